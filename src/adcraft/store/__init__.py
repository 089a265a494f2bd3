"""adcraft.store"""
