"""adcraft.upscale"""
