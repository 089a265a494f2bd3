"""adcraft: personalised e-commerce ad creatives from product text, offline on a CPU."""

__version__ = "0.1.0"
