"""adcraft.delivery: network profiles, byte budgets, animation, HTML5, SVG and layout files."""
