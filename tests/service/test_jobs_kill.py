"""A real `adcraft serve` killed with SIGKILL mid-job: the next server on the same data runs the job to
the end (the queue is the database, so nothing a running job needs lives only in the dead process)."""

import os
import signal
import socket
import subprocess
import sys
import threading

import httpx

PRODUCTS = [{"title": "保温杯", "price": 89}, {"title": "红色跑鞋", "price": 199}, {"title": "Blue mug"}]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve(data_dir, port):
    env = {**os.environ, "ADCRAFT_PRELOAD_MODEL": "false"}
    command = [sys.executable, "-m", "adcraft", "serve", "--port", str(port), "--data-dir", str(data_dir)]
    command += ["--model", "tiny-random", "--steps", "30", "--log-level", "warning"]
    proc = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    for _ in range(1200):
        if proc.poll() is not None:
            raise AssertionError(f"server exited: {proc.stderr.read().decode()[-2000:]}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz").status_code == 200:
                return proc
        except httpx.TransportError:
            pass
        threading.Event().wait(0.1)
    proc.kill()
    raise AssertionError("server did not start")


def _poll(url, until, tries=3000):
    for _ in range(tries):
        job = httpx.get(url).json()
        if until(job):
            return job
        threading.Event().wait(0.05)
    raise AssertionError(f"job never reached the state; last: {job}")


def test_job_survives_kill_9_of_the_server(tmp_path):
    port = _free_port()
    server = _serve(tmp_path / "data", port)
    try:
        body = {"products": PRODUCTS, "placements": ["300x250"]}
        accepted = httpx.post(f"http://127.0.0.1:{port}/v1/jobs", json=body, headers={"Idempotency-Key": "a"})
        assert accepted.status_code == 202, accepted.text
        status_url = f"http://127.0.0.1:{port}{accepted.json()['status_url']}"
        _poll(status_url, lambda j: j["progress"] is not None and j["progress"]["step"] > 0)
    finally:
        os.kill(server.pid, signal.SIGKILL)
        server.wait()
    assert server.returncode == -signal.SIGKILL

    port = _free_port()
    server = _serve(tmp_path / "data", port)
    try:
        status_url = f"http://127.0.0.1:{port}{accepted.json()['status_url']}"
        job = _poll(status_url, lambda j: j["status"] not in ("queued", "running"))
        assert (job["status"], job["done"] + job["failed"], job["attempts"]) == ("done", 3, 2)
        assert sorted(r["index"] for r in job["results"]) == [0, 1, 2]
        replay = httpx.post(f"http://127.0.0.1:{port}/v1/jobs", json=body, headers={"Idempotency-Key": "a"})
        assert replay.json()["job_id"] == accepted.json()["job_id"]  # the key outlived the kill too
    finally:
        server.terminate()
        server.wait()
