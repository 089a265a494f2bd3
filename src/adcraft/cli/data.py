"""CLI commands for the data group (filled in by its issue)."""

import typer


def register(app: typer.Typer) -> None:
    """Attach this group's commands to the main app."""
