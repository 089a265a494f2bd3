import io
import json
import threading
import zipfile

import pytest
from PIL import Image

PRODUCT = {
    "title": "Blue ceramic mug",
    "price": "12.50",
    "currency": "USD",
    "selling_points": ["Dishwasher safe"],
}


def _generate(client, **body):
    response = client.post("/v1/creatives", json={"product": PRODUCT, **body})
    assert response.status_code == 201, response.text
    return response.json()


def test_generate_fetch_list_zip_and_delete(make_client):
    client = make_client()
    out = _generate(client, placements=["300x250", "160x600"])
    assert [c["notes"]["size"] for c in out["creatives"]] == ["300x250", "160x600"]
    first = out["creatives"][0]
    assert first["qa_status"] in ("pass", "warn", "fail")
    image = client.get(first["image_url"])
    assert image.status_code == 200 and Image.open(io.BytesIO(image.content)).size == (300, 250)
    manifest = client.get(first["manifest_url"]).json()
    assert manifest["input"]["title"] == PRODUCT["title"]
    assert client.get(f"/v1/creatives/{first['id']}").json()["id"] == first["id"]
    listed = client.get("/v1/creatives", params={"product_id": out["product_id"]}).json()
    assert {c["id"] for c in listed} == {c["id"] for c in out["creatives"]}
    zipped = zipfile.ZipFile(io.BytesIO(client.get(out["zip_url"]).content))
    names = zipped.namelist()
    assert (
        sum(n.endswith(".png") for n in names) == 2 and sum(n.endswith("manifest.json") for n in names) == 1
    )
    assert json.loads(zipped.read(next(n for n in names if n.endswith(".json"))))["input"]["title"]
    assert client.get(f"/v1/products/{out['product_id']}").json()["title"] == PRODUCT["title"]
    assert client.delete(f"/v1/creatives/{first['id']}").status_code == 204
    assert client.get(first["image_url"]).status_code == 404
    assert client.delete(f"/v1/creatives/{first['id']}").json()["detail"].startswith("creative")


@pytest.mark.parametrize(
    "body,status,needle",
    [
        ({"product": {"price": 1}}, 422, "title"),
        ({"product": {"title": "x", "colour": "red"}}, 422, "colour"),
        ({"product": {"title": "x", "price": "abc"}}, 422, "price"),
        ({"product": {"title": "x"}, "placements": ["12x12"]}, 422, "12x12"),
        ({"product": {"title": "x", "photo": "/etc/passwd"}}, 422, "uploads"),
        ({"product": {"title": "x", "photo": "uploads/../../secret.png"}}, 422, "upload id"),
        ({"product": {"title": "x", "photo": "uploads/missing.png"}}, 422, "upload id"),
        ({"product": {"title": "x", "logo": f"uploads/{'0' * 32}.png"}}, 404, "was not uploaded"),
        ({"product": {"title": "x"}, "audiences": ["martians"]}, 404, "martians"),
        ({"product": {"title": "x"}, "seed": -1}, 422, "seed"),
    ],
)
def test_generate_errors_are_4xx_problems(make_client, body, status, needle):
    response = make_client().post("/v1/creatives", json=body)
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert needle in response.json()["detail"] and response.json()["status"] == status


@pytest.mark.parametrize(
    "method,path",
    [
        ("get", "/v1/creatives/nope"),
        ("get", "/v1/creatives/nope/image"),
        ("get", "/v1/creatives/nope/manifest"),
        ("delete", "/v1/creatives/nope"),
        ("get", "/v1/jobs/nope"),
        ("get", "/v1/products/nope"),
        ("get", "/v1/products/nope/zip"),
    ],
)
def test_unknown_ids_are_404_with_detail(make_client, method, path):
    response = getattr(make_client(), method)(path)
    assert response.status_code == 404 and "nope" in response.json()["detail"]


def test_list_rejects_bad_paging(make_client):
    response = make_client().get("/v1/creatives", params={"limit": 0})
    assert response.status_code == 422 and response.json()["detail"]


def test_upload_photo_then_generate_from_it(make_client):
    client = make_client()
    buf = io.BytesIO()
    img = Image.new("RGB", (64, 64), "white")
    img.paste((200, 30, 30), (16, 16, 48, 48))
    img.save(buf, "PNG")
    up = client.post("/v1/uploads", files={"file": ("p.png", buf.getvalue(), "image/png")})
    assert up.status_code == 201 and up.json()["photo"].startswith("uploads/")
    out = client.post("/v1/creatives", json={"product": {**PRODUCT, "photo": up.json()["photo"]}})
    assert out.status_code == 201, out.text
    manifest = client.get(out.json()["creatives"][0]["manifest_url"]).json()
    assert manifest["visual"]["kind"] == "photo"
    bad = client.post("/v1/uploads", files={"file": ("p.png", b"not an image", "image/png")})
    assert bad.status_code == 422 and "image" in bad.json()["detail"]
    big = make_client(max_upload_bytes=1024).post("/v1/uploads", files={"file": ("p.png", b"x" * 5000)})
    assert big.status_code == 413 and "1024" in big.json()["detail"]


def test_job_runs_products_and_reports_each(make_client):
    client = make_client()
    banned = {"title": "Blue mug", "banned_terms": ["mug"]}  # valid, but its copy breaks its own rule
    accepted = client.post(
        "/v1/jobs", json={"products": [PRODUCT, banned, {"title": "红色跑鞋", "price": 199}]}
    )
    assert accepted.status_code == 202
    status_url = accepted.json()["status_url"]
    for _ in range(600):
        job = client.get(status_url).json()
        if job["status"] == "done":
            break
        threading.Event().wait(0.1)
    assert (job["status"], job["total"], job["done"], job["failed"]) == ("done", 3, 2, 1)
    results = sorted(job["results"], key=lambda r: r["index"])
    assert "mug" in results[1]["error"] and len(results[2]["creative_ids"]) == 1
    assert client.get(f"/v1/creatives/{results[0]['creative_ids'][0]}").status_code == 200
    too_many = make_client(max_products_per_job=2).post("/v1/jobs", json={"products": [PRODUCT] * 3})
    assert too_many.status_code == 422 and "adcraft batch" in too_many.json()["detail"]
    assert client.post("/v1/jobs", json={"products": []}).status_code == 422
    refused = client.post("/v1/jobs", json={"products": [PRODUCT, {"title": ""}]})  # checked before 202
    assert refused.status_code == 422 and refused.json()["detail"].startswith("products[1]: title")


def test_full_queue_answers_429_with_retry_after(make_client):
    client = make_client(workers=1, queue_size=0, retry_after_s=7)
    service = client.app.state.service
    gate = threading.Event()
    service.pool.submit(gate.wait, 10)  # occupy the only worker
    try:
        response = client.post("/v1/creatives", json={"product": PRODUCT})
        assert response.status_code == 429 and response.headers["Retry-After"] == "7"
        assert "queue is full" in response.json()["detail"]
        assert client.post("/v1/jobs", json={"products": [PRODUCT]}).status_code == 429
    finally:
        gate.set()
    metrics = client.get("/metrics").text
    assert "adcraft_rejected_total 2.0" in metrics


def test_api_key_guards_v1_but_not_health(make_client):
    client = make_client(api_key="s3cret")
    assert client.get("/v1/creatives").status_code == 401
    assert (
        client.get("/v1/creatives", headers={"X-API-Key": "wrong"})
        .json()["detail"]
        .startswith("missing or wrong")
    )
    assert client.get("/v1/creatives", headers={"X-API-Key": "s3cret"}).status_code == 200
    assert client.get("/healthz").status_code == 200


def test_health_metrics_docs_and_page(make_client):
    client = make_client()
    health = client.get("/healthz").json()
    assert health["status"] == "ok" and health["database"] == "sqlite" and health["model_loaded"] is True
    _generate(client)
    metrics = client.get("/metrics").text
    for name in (
        "adcraft_http_requests_total",
        "adcraft_http_request_seconds_bucket",
        "adcraft_queue_depth",
        "adcraft_generation_seconds_count",
    ):
        assert name in metrics
    assert 'route="/v1/creatives",status="201"' in metrics
    assert client.get("/docs").status_code == 200
    assert "/v1/choose" in client.get("/openapi.json").json()["paths"]
    page = client.get("/")
    assert page.status_code == 200 and "product-form" in page.text
    assert "innerHTML" not in client.get("/static/app.js").text


def test_settings_come_from_environment(monkeypatch, tmp_path):
    from adcraft.service.settings import ServiceSettings

    monkeypatch.setenv("ADCRAFT_DATA_DIR", str(tmp_path / "env"))
    monkeypatch.setenv("ADCRAFT_QUEUE_SIZE", "9")
    monkeypatch.setenv("ADCRAFT_API_KEY", "k")
    s = ServiceSettings()
    assert (s.data_dir, s.queue_size, s.api_key) == (tmp_path / "env", 9, "k")
    monkeypatch.setenv("ADCRAFT_WORKERS", "0")
    with pytest.raises(ValueError, match="workers"):
        ServiceSettings()
