"""adcraft.training"""
