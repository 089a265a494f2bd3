"""The API's campaign theme: POST /v1/creatives and /v1/jobs take `theme`; unknown ones are 422 problems."""

PRODUCT = {"title": "Blue ceramic mug", "price": "12.50", "currency": "USD"}


def test_a_themed_request_uses_the_campaign_copy_and_look(make_client):
    client = make_client()
    response = client.post(
        "/v1/creatives", json={"product": PRODUCT, "placements": ["300x250"], "theme": "xmas"}
    )
    assert response.status_code == 201, response.text
    manifest = client.get(response.json()["creatives"][0]["manifest_url"]).json()
    assert manifest["theme"] == "christmas"
    assert (
        manifest["copy"]["subline"].startswith("Merry Christmas") and manifest["copy"]["cta"] == "Shop gifts"
    )
    assert manifest["creatives"][0]["palette"]["background"] == "#0f5132"


def test_unknown_themes_are_422_problems_before_any_work(make_client):
    client = make_client()
    for path, body in (
        ("/v1/creatives", {"product": PRODUCT, "theme": "easter"}),
        ("/v1/jobs", {"products": [PRODUCT], "theme": "easter"}),
    ):
        response = client.post(path, json=body)
        assert response.status_code == 422, response.text
        assert response.headers["content-type"] == "application/problem+json"
        assert "theme 'easter' is unknown; known themes" in response.json()["detail"]
