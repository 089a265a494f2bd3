"""adcraft.batch"""
