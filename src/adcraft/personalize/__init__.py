"""adcraft.personalize"""
