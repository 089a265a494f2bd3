"""Shared fixtures: one tiny random pipeline per test session, an app over a temporary data dir, and a
real uvicorn server over it for the browser tests."""

import socket
import threading
import time

import pytest


@pytest.fixture(scope="session")
def tiny_pipeline():
    from adcraft.diffusion.pipeline import TextToImagePipeline

    return TextToImagePipeline.tiny_random(seed=0)


@pytest.fixture
def make_client(tmp_path, tiny_pipeline):
    from fastapi.testclient import TestClient

    from adcraft.service.app import create_app
    from adcraft.service.settings import ServiceSettings

    clients = []

    def make(**overrides):
        options = {
            "data_dir": tmp_path / "data",
            "model": "tiny-random",
            "steps": 2,
            "workers": 1,
            "queue_size": 1,
            "default_placements": ("300x250",),
        }
        options.update(overrides)
        client = TestClient(create_app(ServiceSettings(**options), pipeline=tiny_pipeline))
        client.__enter__()
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.__exit__(None, None, None)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def serve(tmp_path, tiny_pipeline):
    """Start the app under uvicorn on a free port (settings overrides as keywords); returns its URL."""
    import uvicorn

    from adcraft.service.app import create_app
    from adcraft.service.settings import ServiceSettings

    servers = []

    def start(**overrides):
        options = {
            "data_dir": tmp_path / "data",
            "model": "tiny-random",
            "steps": 2,
            "default_placements": ("300x250",),
        }
        options.update(overrides)
        port = _free_port()
        app = create_app(ServiceSettings(**options), pipeline=tiny_pipeline)
        srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
        thread = threading.Thread(target=srv.run, daemon=True)
        thread.start()
        deadline = time.monotonic() + 30
        while not srv.started and time.monotonic() < deadline:
            time.sleep(0.05)
        assert srv.started
        servers.append((srv, thread))
        return f"http://127.0.0.1:{port}"

    yield start
    for srv, thread in servers:
        srv.should_exit = True
        thread.join(10)
