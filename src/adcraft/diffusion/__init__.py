"""adcraft.diffusion"""
