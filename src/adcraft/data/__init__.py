"""adcraft.data"""
