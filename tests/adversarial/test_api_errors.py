"""Client mistakes the API once answered with a 500 or a generic message: each is a 4xx problem now."""

import threading

import pytest

from adversarial.api_support import assert_problem, make_client, stored_counts


@pytest.fixture
def client(tmp_path):
    client = make_client(tmp_path / "data")
    yield client
    client.__exit__(None, None, None)


@pytest.mark.parametrize(
    "content,content_type,status,needle",
    [
        (b'{"product": {"title": "Mug"}}', "text/plain", 415, "application/json"),
        (b"product=Mug", "application/x-www-form-urlencoded", 415, "got 'application/x-www-form"),
        (b'{"product": {"title": "Mug"}}', "application/json; charset=latin-1", 415, "UTF-8"),
        (
            b'{"product": {"title": "\xff"}}',
            "application/json",
            400,
            "not valid UTF-8: byte 0xff at position 23",
        ),
        (b'{"product": {"title": "\xe7\xba"}}', "application/json", 400, "not valid UTF-8"),
        (b'{"product": ', "application/json", 400, "not valid JSON"),
        (b"[1, 2]", "application/json", 422, "body"),
        (b"", "application/json", 422, "request body is missing"),
    ],
)
def test_body_format_mistakes_have_specific_messages(client, content, content_type, status, needle):
    response = client.post("/v1/creatives", content=content, headers={"content-type": content_type})
    assert_problem(response, status, needle)


def test_upload_needs_multipart(client):
    response = client.post("/v1/uploads", content=b"\x89PNG", headers={"content-type": "image/png"})
    assert_problem(response, 415, "multipart/form-data")


@pytest.mark.parametrize(
    "path,body,needle",
    [
        ("/v1/creatives", {"product": {"title": "Mug"}, "placement": ["300x250"]}, "'placement'"),
        ("/v1/creatives", {"product": {"title": "Mug"}, "audience": ["x"]}, "allowed: audiences, placements"),
        ("/v1/creatives", {"product": {"title": "Mug", "colour": "red"}}, "allowed: banned_terms, brand"),
        ("/v1/jobs", {"products": [{"title": "Mug"}], "audience": ["x"]}, "'audience'"),
        ("/v1/jobs", {"products": [{"title": "Mug", "prize": 1}]}, "'prize' in products[0]"),
        ("/v1/choose", {"campaign_id": "c", "segment": "s", "segmnet": "s"}, "'segmnet'"),
        ("/v1/events", {"events": [{"id": "e", "kind": "click", "segmnet": "s"}]}, "'segmnet' in events[0]"),
        ("/v1/events", {"events": [{"id": "e", "kind": "click"}], "extra": 1}, "'extra'"),
    ],
)
def test_unknown_keys_are_refused_everywhere(client, tmp_path, path, body, needle):
    before = stored_counts(tmp_path / "data")
    assert_problem(client.post(path, json=body), 422, needle)
    assert stored_counts(tmp_path / "data") == before


def test_unknown_query_parameters_are_refused(client):
    body = assert_problem(client.get("/v1/creatives", params={"offest": 5}), 422, "'offest'")
    assert body["code"] == "unknown-parameter" and "offset" in body["detail"]
    assert client.get("/v1/creatives", params={"offset": 0, "limit": 5}).status_code == 200


def test_price_with_currency_sign_and_separators_is_read(client):
    product = {"title": "Mug", "price": "$1,299.00", "currency": "USD"}
    out = client.post("/v1/creatives", json={"product": product})
    assert out.status_code == 201, out.text
    stored = client.get(f"/v1/products/{out.json()['product_id']}").json()
    assert stored["price"] == 1299.0 and stored["data"]["price"] == "$1,299.00"


@pytest.mark.parametrize(
    "price", ["$1,299.00", "¥1,299", "1.299,00 €", "12,50", "1,2,3", "１２３", "1e400", "NaN", "-5", " ", "$"]
)
def test_odd_price_strings_are_201_or_a_problem(client, price):
    response = client.post("/v1/creatives", json={"product": {"title": "Mug", "price": price}})
    if response.status_code != 201:
        assert_problem(response, 422, "price")


@pytest.mark.parametrize("price", [True, [1], {"amount": 1}, "9" * 40])
def test_prices_of_the_wrong_type_are_422(client, price):
    assert_problem(
        client.post("/v1/creatives", json={"product": {"title": "Mug", "price": price}}), 422, "price"
    )


def test_unknown_routes_and_methods_are_problems(client):
    assert_problem(client.get("/v1/nothing"), 404, "/v1/nothing")
    assert_problem(client.put("/v1/creatives", json={}), 405, "PUT")
    assert_problem(client.get("/v1/jobs/" + "f" * 32), 404, "job")


def test_an_internal_error_is_a_500_problem_without_a_traceback(client, monkeypatch):
    def broken(*_args, **_kwargs):
        raise RuntimeError("secret internal state /srv/adcraft")

    monkeypatch.setattr(client.app.state.service.store, "list_creatives", broken)
    body = assert_problem(client.get("/v1/creatives"), 500, "reference")
    assert "secret" not in body["detail"] and "RuntimeError" not in body["detail"]


def test_sync_request_past_its_time_limit_becomes_a_job(tmp_path):
    """The wait ends with a 504 naming a job; the work is not lost or doubled: the job ends with it."""
    client = make_client(tmp_path / "data", sync_timeout_s=0.2, retry_after_s=3)
    service = client.app.state.service
    gate = threading.Event()
    service.pool.submit(gate.wait, 30)  # the only worker is busy: the request waits in the queue
    try:
        response = client.post("/v1/creatives", json={"product": {"title": "Mug"}})
        body = assert_problem(response, 504, "ADCRAFT_SYNC_TIMEOUT_S")
        assert response.headers["Retry-After"] == "3" and body["status_url"] == f"/v1/jobs/{body['job_id']}"
        assert client.get(body["status_url"]).json()["status"] == "queued"
        assert stored_counts(tmp_path / "data")["products"] == 0
    finally:
        gate.set()
    for _ in range(600):
        job = client.get(body["status_url"]).json()
        if job["status"] == "done":
            break
        threading.Event().wait(0.1)
    assert (job["status"], job["done"], job["failed"]) == ("done", 1, 0)
    creative_id = job["results"][0]["creative_ids"][0]
    assert client.get(f"/v1/creatives/{creative_id}").status_code == 200
    assert stored_counts(tmp_path / "data")["products"] == 1
    client.__exit__(None, None, None)
