"""`adcraft serve`: the HTTP API and web UI under uvicorn; settings from options and ADCRAFT_* variables."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def check_serve_paths(settings) -> None:
    """The model's config.json is well typed, before serving (the data dir is checked by create_app)."""
    if settings.model != "tiny-random":
        from adcraft.diffusion.checkpoint import read_config, read_model_config, resolve_checkpoint

        directory = resolve_checkpoint(settings.model)
        read_model_config(read_config(directory), directory / "config.json")


def register(app: typer.Typer) -> None:
    """Attach this group's commands to the main app."""

    @app.command()
    def serve(
        host: Annotated[str, typer.Option(help="interface (0.0.0.0 for every one)")] = "127.0.0.1",
        port: Annotated[int, typer.Option(min=1, max=65535, help="TCP port")] = 8000,
        data_dir: Annotated[Path | None, typer.Option(help="data folder [ADCRAFT_DATA_DIR]")] = None,
        model: Annotated[
            str | None, typer.Option(help="default, a checkpoint dir or tiny-random [ADCRAFT_MODEL]")
        ] = None,
        workers: Annotated[
            int | None, typer.Option(min=1, help="generation threads [ADCRAFT_WORKERS]")
        ] = None,
        queue_size: Annotated[
            int | None, typer.Option(min=0, help="waiting products before 429 [ADCRAFT_QUEUE_SIZE]")
        ] = None,
        steps: Annotated[
            int | None, typer.Option(min=1, max=200, help="steps per visual [ADCRAFT_STEPS]")
        ] = None,
        log_level: Annotated[str, typer.Option(help="uvicorn log level")] = "info",
    ) -> None:
        """Serve the HTTP API (/v1, /docs, /metrics) and the web UI (/)."""
        from adcraft.extras import require_extra

        require_extra("service", "adcraft serve")
        import uvicorn

        from adcraft.service.app import create_app
        from adcraft.service.settings import load_settings

        overrides = {
            k: v
            for k, v in {
                "data_dir": data_dir,
                "model": model,
                "workers": workers,
                "queue_size": queue_size,
                "steps": steps,
            }.items()
            if v is not None
        }
        settings = load_settings(**overrides)  # a bad ADCRAFT_* value: one line and exit 2
        check_serve_paths(settings)
        asgi_app = create_app(settings)  # an unusable data dir or database fails here, before serving
        typer.echo(f"adcraft serving http://{host}:{port}/ (data in {settings.data_dir.resolve()})", err=True)
        uvicorn.run(asgi_app, host=host, port=port, log_level=log_level)
