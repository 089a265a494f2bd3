"""adcraft.service"""
