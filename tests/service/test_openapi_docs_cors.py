"""API conventions: docs served offline, a complete OpenAPI document, CORS off unless set, UTC times."""

import dataclasses
import re

import pytest


def test_docs_pages_load_only_local_assets(make_client):
    client = make_client()
    for page in ("/docs", "/redoc"):
        html = client.get(page).text
        urls = re.findall(r"""(?:src|href)=["']([^"']+)["']""", html) + re.findall(r"url: ?'([^']+)'", html)
        assert urls, page
        for url in urls:
            assert url.startswith("/"), f"{page} loads {url} from outside the server"
            assert client.get(url).status_code == 200, url
        assert "cdn" not in html.lower() and "fonts.googleapis" not in html


def test_openapi_declares_the_key_the_product_and_problem_bodies(make_client):
    from adcraft.creative.product import Product

    doc = make_client().get("/openapi.json").json()
    scheme = next(iter(doc["components"]["securitySchemes"].values()))
    assert (scheme["type"], scheme["in"], scheme["name"]) == ("apiKey", "header", "X-API-Key")
    assert doc["paths"]["/v1/creatives"]["post"]["security"]
    product = doc["components"]["schemas"]["ProductIn"]
    assert set(product["properties"]) == {f.name for f in dataclasses.fields(Product)}  # no drift
    assert product["additionalProperties"] is False and product["required"] == ["title"]
    error = doc["paths"]["/v1/creatives"]["post"]["responses"]["422"]["content"]
    assert "application/problem+json" in error


def test_cors_is_off_by_default(make_client):
    client = make_client()
    preflight = client.options(
        "/v1/creatives",
        headers={"Origin": "https://shop.example", "Access-Control-Request-Method": "POST"},
    )
    assert "access-control-allow-origin" not in preflight.headers
    assert preflight.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize("origin,allowed", [("https://shop.example", True), ("https://evil.example", False)])
def test_cors_allows_only_the_configured_origins(make_client, origin, allowed):
    client = make_client(cors_origins=("https://shop.example",))
    headers = {
        "Origin": origin,
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "x-api-key, content-type",
    }
    preflight = client.options("/v1/creatives", headers=headers)
    if allowed:
        assert preflight.status_code == 200
        assert preflight.headers["access-control-allow-origin"] == origin
        got = client.get("/v1/creatives", headers={"Origin": origin})
        assert got.headers["access-control-allow-origin"] == origin
    else:
        assert (
            preflight.status_code == 400 and preflight.headers["content-type"] == "application/problem+json"
        )
        assert preflight.json()["code"] == "cors-refused" and "shop.example" in preflight.json()["detail"]


def test_timestamps_carry_their_timezone(make_client):
    from adcraft.store import Store

    client = make_client()
    store: Store = client.app.state.service.store
    job = store.get_job(store.create_job({"products": 1}, total=1))
    assert job["created"].endswith("+00:00") and job["updated"].endswith("+00:00")
