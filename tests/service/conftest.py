"""Shared fixtures: one tiny random pipeline per test session, and an app over a temporary data dir."""

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
