"""Start-up and readiness: interrupted jobs are marked, /readyz loads the model, bad settings fail early."""

import pytest


def test_jobs_left_running_by_a_dead_server_are_marked_interrupted(make_client, tmp_path):
    from adcraft.store import Store

    store = Store(tmp_path / "data")  # what a server killed mid-job leaves in the database
    running = store.create_job({"products": 3}, total=3)
    store.update_job(running, status="running")
    store.update_job(running, result={"index": 0, "creative_ids": ["c"]})
    queued = store.create_job({"products": 1}, total=1)
    finished = store.create_job({"products": 1}, total=1)
    store.update_job(finished, result={"index": 0, "creative_ids": ["d"]}, status="done")
    store.close()

    client = make_client()  # a new server on the same data dir
    job = client.get(f"/v1/jobs/{running}").json()
    assert (job["status"], job["done"], job["failed"]) == ("interrupted", 1, 2)
    assert sorted(r["index"] for r in job["results"]) == [0, 1, 2]
    assert all("interrupted" in r["error"] for r in job["results"] if r["index"] > 0)
    assert client.get(f"/v1/jobs/{queued}").json()["status"] == "interrupted"
    assert client.get(f"/v1/jobs/{finished}").json()["status"] == "done"
    assert client.get("/healthz").json()["interrupted_at_startup"] == 2


def test_readyz_is_ready_when_the_model_is_loaded(make_client):
    ready = make_client().get("/readyz")
    assert ready.status_code == 200 and ready.json()["status"] == "ready"


def test_readyz_is_503_while_the_model_cannot_load_and_healthz_stays_ok(tmp_path):
    from fastapi.testclient import TestClient

    from adcraft.service.app import create_app
    from adcraft.service.settings import ServiceSettings

    settings = ServiceSettings(
        data_dir=tmp_path / "data", model=str(tmp_path / "no-model"), preload_model=False
    )
    with TestClient(create_app(settings)) as client:
        response = client.get("/readyz")
        assert response.status_code == 503 and response.headers["content-type"] == "application/problem+json"
        assert response.json()["code"] == "not-ready" and "no-model" in response.json()["detail"]
        health = client.get("/healthz")
        assert health.status_code == 200 and "not found" in health.json()["model_error"]
        generate = client.post("/v1/creatives", json={"product": {"title": "Mug"}})
        assert generate.status_code == 503 and generate.json()["code"] == "model-unavailable"


@pytest.mark.parametrize(
    "env,needle",
    [
        ({"ADCRAFT_WORKERS": "zero"}, "ADCRAFT_WORKERS='zero'"),
        ({"ADCRAFT_QUEUE_SIZE": "-1"}, "ADCRAFT_QUEUE_SIZE"),
        ({"ADCRAFT_MAX_BODY_BYTES": "1"}, "ADCRAFT_MAX_BODY_BYTES"),
        ({"ADCRAFT_API_KEY": "has space"}, "ADCRAFT_API_KEY: must be"),
        ({"ADCRAFT_MODEL": "no-such-model"}, "ADCRAFT_MODEL='no-such-model'"),
    ],
)
def test_bad_settings_are_one_line_config_errors(monkeypatch, tmp_path, env, needle):
    from adcraft.errors import ConfigError
    from adcraft.service.settings import load_settings

    monkeypatch.setenv("ADCRAFT_DATA_DIR", str(tmp_path))
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError) as info:
        load_settings()
    message = str(info.value)
    assert needle in message and "\n" not in message and "has space" not in message


def test_serve_with_a_bad_setting_or_data_dir_exits_2_with_one_line(monkeypatch, tmp_path, capsys):
    from adcraft.cli import main

    monkeypatch.setenv("ADCRAFT_WORKERS", "lots")
    with pytest.raises(SystemExit) as info:
        main(["serve"])
    assert info.value.code == 2
    err = capsys.readouterr().err.strip()
    assert (
        err.startswith("error: bad service setting")
        and "ADCRAFT_WORKERS" in err
        and len(err.splitlines()) == 1
    )

    monkeypatch.delenv("ADCRAFT_WORKERS")
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    with pytest.raises(SystemExit) as info:
        main(["serve", "--data-dir", str(blocker / "data"), "--model", "tiny-random"])
    assert info.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].startswith("error: data dir") and "a-file" in err[-1]
