"""adcraft.text"""
