"""adcraft.creative"""
