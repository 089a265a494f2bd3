"""adcraft: personalised e-commerce ad creatives from product text, offline on a CPU."""

__version__ = "0.1.0"


def __getattr__(name: str):
    """Lazy re-exports, so `import adcraft` stays fast: adcraft.generate_creatives."""
    if name == "generate_creatives":
        from adcraft.generate import generate_creatives

        return generate_creatives
    raise AttributeError(f"module 'adcraft' has no attribute {name!r}")
