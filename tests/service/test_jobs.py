"""The durable job queue through the real app: idempotency, paging, cancel, retry, progress, SSE, restart."""

import json
import threading

from adcraft.store.jobs import MAX_ATTEMPTS

PRODUCT = {"title": "保温杯", "description": "316不锈钢", "price": 89}


def _wait(client, job_id, states=("done", "failed", "cancelled", "interrupted"), tries=1200):
    for _ in range(tries):
        job = client.get(f"/v1/jobs/{job_id}").json()
        if job["status"] in states:
            return job
        threading.Event().wait(0.05)
    raise AssertionError(f"job {job_id} stayed {job['status']}")


def _occupy(client):
    """Take the only worker with a task that waits for the returned event."""
    gate = threading.Event()
    client.app.state.service.pool.submit(gate.wait, 30)
    return gate


def test_same_idempotency_key_and_body_give_the_same_job(make_client):
    client = make_client(queue_size=4)
    body = {"products": [PRODUCT]}
    first = client.post("/v1/jobs", json=body, headers={"Idempotency-Key": "k-1"})
    again = client.post("/v1/jobs", json=body, headers={"Idempotency-Key": "k-1"})
    assert first.status_code == again.status_code == 202
    assert first.json()["job_id"] == again.json()["job_id"]
    assert again.headers["Idempotent-Replayed"] == "true" and "Idempotent-Replayed" not in first.headers
    other = client.post(
        "/v1/jobs", json={"products": [PRODUCT], "seed": 1}, headers={"Idempotency-Key": "k-1"}
    )
    assert other.status_code == 422 and other.json()["code"] == "idempotency-key-reused"
    assert first.json()["job_id"] in other.json()["detail"]
    bad = client.post("/v1/jobs", json=body, headers={"Idempotency-Key": "has space"})
    assert bad.status_code == 422 and "visible ASCII" in bad.json()["detail"]
    fresh = client.post("/v1/jobs", json=body, headers={"Idempotency-Key": "k-2"})
    assert fresh.json()["job_id"] != first.json()["job_id"]
    no_key = [client.post("/v1/jobs", json=body).json()["job_id"] for _ in range(2)]
    assert no_key[0] != no_key[1]
    assert client.get("/v1/jobs").json()["total"] == 4


def test_refused_request_leaves_no_job_and_keeps_its_key_free(make_client):
    client = make_client()
    bad = client.post("/v1/jobs", json={"products": [{"title": ""}]}, headers={"Idempotency-Key": "k"})
    assert bad.status_code == 422
    assert client.get("/v1/jobs").json() == {"items": [], "total": 0, "next_cursor": None}
    good = client.post("/v1/jobs", json={"products": [PRODUCT]}, headers={"Idempotency-Key": "k"})
    assert good.status_code == 202


def test_jobs_list_pages_with_a_cursor_and_filters_by_state(make_client):
    client = make_client(queue_size=10)
    gate = _occupy(client)
    try:
        ids = [client.post("/v1/jobs", json={"products": [PRODUCT]}).json()["job_id"] for _ in range(5)]
        client.post(f"/v1/jobs/{ids[0]}/cancel")
        seen, cursor = [], None
        while True:
            page = client.get(
                "/v1/jobs", params={"limit": 2, **({"cursor": cursor} if cursor else {})}
            ).json()
            assert page["total"] == 5 and len(page["items"]) <= 2
            seen += [item["id"] for item in page["items"]]
            cursor = page["next_cursor"]
            if cursor is None:
                break
        assert seen == ids[::-1]  # newest first, each once
        queued = client.get("/v1/jobs", params={"status": "queued"}).json()
        assert queued["total"] == 4 and ids[0] not in [i["id"] for i in queued["items"]]
        cancelled = client.get("/v1/jobs", params={"status": "cancelled"}).json()
        assert [i["id"] for i in cancelled["items"]] == [ids[0]]
        positions = [client.get(f"/v1/jobs/{i}").json()["queue_position"] for i in ids[1:]]
        assert positions == [1, 2, 3, 4]
    finally:
        gate.set()
    assert client.get("/v1/jobs", params={"status": "nope"}).status_code == 422
    bad_cursor = client.get("/v1/jobs", params={"cursor": "not-a-cursor"})
    assert bad_cursor.status_code == 422 and "cursor" in bad_cursor.json()["detail"]


def test_cancel_a_queued_job_then_retry_it_to_completion(make_client):
    client = make_client(queue_size=4)
    gate = _occupy(client)
    try:
        job_id = client.post("/v1/jobs", json={"products": [PRODUCT, PRODUCT]}).json()["job_id"]
        assert client.get(f"/v1/jobs/{job_id}").json()["queue_position"] == 1
        cancelled = client.post(f"/v1/jobs/{job_id}/cancel")
        assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
        assert "cancelled by the client while queued" in cancelled.json()["reason"]
        again = client.post(f"/v1/jobs/{job_id}/cancel")
        assert again.status_code == 409 and again.json()["code"] == "conflict"
    finally:
        gate.set()
    threading.Event().wait(0.3)
    assert client.get(f"/v1/jobs/{job_id}").json()["status"] == "cancelled"  # the runner skipped it
    retried = client.post(f"/v1/jobs/{job_id}/retry")
    assert retried.status_code == 202 and retried.json()["reason"] is None
    job = _wait(client, job_id)
    assert (job["status"], job["done"], job["failed"]) == ("done", 2, 0)
    refused = client.post(f"/v1/jobs/{job_id}/retry")  # done with nothing failed
    assert refused.status_code == 409 and "retried" in refused.json()["detail"]
    assert client.post("/v1/jobs/nope/cancel").status_code == 404


def test_cancel_a_running_job_stops_it_between_sampler_steps(make_client):
    client = make_client(steps=200, queue_size=2)
    job_id = client.post("/v1/jobs", json={"products": [PRODUCT] * 3}).json()["job_id"]
    job = _wait(client, job_id, states=("running",))
    for _ in range(1200):
        job = client.get(f"/v1/jobs/{job_id}").json()
        if job["progress"] and job["progress"]["step"] > 0:
            break
        threading.Event().wait(0.02)
    progress = job["progress"]
    assert progress["steps"] == 200 and progress["products_total"] == 3 and progress["placements_total"] == 1
    assert client.post(f"/v1/jobs/{job_id}/cancel").json()["status"] == "cancelled"
    service = client.app.state.service
    for _ in range(1200):  # the worker lets go of the job
        if service.pool.running == 0:
            break
        threading.Event().wait(0.05)
    job = client.get(f"/v1/jobs/{job_id}").json()
    assert job["status"] == "cancelled" and job["done"] < 3 and job["progress"] is None


def test_events_stream_progress_then_end(make_client):
    client = make_client(steps=20)
    job_id = client.post("/v1/jobs", json={"products": [PRODUCT, PRODUCT]}).json()["job_id"]
    events = []
    with client.stream("GET", f"/v1/jobs/{job_id}/events") as stream:
        assert stream.headers["content-type"].startswith("text/event-stream")
        name = None
        for line in stream.iter_lines():
            if line.startswith("event: "):
                name = line.removeprefix("event: ")
            elif line.startswith("data: "):
                events.append((name, json.loads(line.removeprefix("data: "))))
    assert events[-1] == ("end", {"status": "done"})
    statuses = [data for name, data in events if name == "status"]
    assert statuses[-1]["done"] == 2 and statuses[-1]["status"] == "done"
    steps = [s["progress"]["step"] for s in statuses if s["progress"]]
    assert steps and max(steps) <= 20
    assert client.get("/v1/jobs/nope/events").status_code == 404


def test_restart_requeues_running_jobs_and_fails_them_after_max_attempts(make_client, tmp_path):
    from adcraft.store import Store
    from adcraft.store.jobs import JobWorkRow

    store = Store(tmp_path / "data")  # what a server killed mid-job leaves in the database
    payload = {
        "products": [PRODUCT, PRODUCT],
        "settings": {"model": "tiny-random", "placements": ["300x250"], "steps": 2},
    }
    resumed, _ = store.jobs.create(payload, 2, "h1", None)
    store.jobs.claim(resumed)
    store.update_job(resumed, result={"index": 0, "error": "made before the kill? no: failed"})
    killed_often, _ = store.jobs.create(payload, 2, "h2", None)
    store.jobs.claim(killed_often)
    with store.session() as s, s.begin():
        s.get(JobWorkRow, killed_often).attempts = MAX_ATTEMPTS
    store.close()

    client = make_client()  # a new server on the same data dir
    failed = client.get(f"/v1/jobs/{killed_often}").json()
    assert failed["status"] == "failed" and f"stopped {MAX_ATTEMPTS} times" in failed["reason"]
    job = _wait(client, resumed)
    assert (job["status"], job["done"], job["failed"], job["attempts"]) == ("done", 1, 1, 2)
    assert [r["index"] for r in job["results"]] == [0, 1]  # product 0's result was kept, not redone
    retried = client.post(f"/v1/jobs/{killed_often}/retry")
    assert retried.status_code == 202
    assert _wait(client, killed_often)["done"] == 2
