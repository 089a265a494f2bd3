"""The HTTP API: every generation setting it accepts (request body and service settings) changes the image."""

import pytest

PRODUCT = {"title": "红色连衣裙", "price": "199"}


def _image(client, **body):
    response = client.post("/v1/creatives", json={"product": PRODUCT, "placements": ["300x250"], **body})
    assert response.status_code == 201, response.text
    return client.get(response.json()["creatives"][0]["image_url"]).content


@pytest.mark.parametrize(
    "body",
    [
        {"seed": 1},
        {"placements": ["728x90"]},
        {"audiences": ["seniors"]},
        {"product": {"title": "蓝色运动鞋", "price": "199"}},
    ],
    ids=lambda b: next(iter(b)),
)
def test_each_request_field_changes_the_image(make_client, body):
    client = make_client()
    assert _image(client, **body) != _image(client)


@pytest.mark.parametrize("setting", [{"steps": 3}, {"guidance": 6.0}], ids=lambda s: next(iter(s)))
def test_each_service_setting_changes_the_image(make_client, setting):
    assert _image(make_client(**setting)) != _image(make_client())
