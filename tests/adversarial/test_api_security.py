"""Security regressions of the HTTP API: no request names a server path, refused requests store nothing."""

import io
import os
import struct
import zlib

import pytest
from PIL import Image

from adversarial.api_support import assert_problem, make_client, stored_counts


@pytest.fixture
def client(tmp_path):
    client = make_client(tmp_path / "data")
    yield client
    client.__exit__(None, None, None)


def _png(size=(64, 64), colour=(200, 30, 30)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, colour).save(buf, "PNG")
    return buf.getvalue()


def _existing_image(tmp_path) -> str:
    path = tmp_path / "secret-logo.png"
    path.write_bytes(_png())
    return str(path)


@pytest.mark.parametrize("field", ["photo", "logo"])
def test_image_fields_never_name_a_server_path(client, tmp_path, field):
    """An existing image, a missing file, /etc/passwd, traversal, URLs and NUL bytes read the same."""
    data_dir = tmp_path / "data"
    before = stored_counts(data_dir)
    values = [
        _existing_image(tmp_path),
        str(tmp_path / "missing.png"),
        "/etc/passwd",
        "uploads/../../secret-logo.png",
        "uploads/../adcraft.sqlite",
        "file:///etc/passwd",
        "http://127.0.0.1/logo.png",
        "uploads/\x00.png",
        "C:\\Windows\\logo.png",
    ]
    details = set()
    for value in values:
        response = client.post("/v1/creatives", json={"product": {"title": "Mug", field: value}})
        body = assert_problem(response, 422, "upload id")
        details.add(body["detail"])
    assert len(details) == 1  # one answer whatever the path: nothing to learn about the filesystem
    assert stored_counts(data_dir) == before


def test_job_products_with_paths_are_refused_before_202(client, tmp_path):
    before = stored_counts(tmp_path / "data")
    products = [{"title": "Mug"}, {"title": "Cup", "logo": _existing_image(tmp_path)}]
    body = assert_problem(client.post("/v1/jobs", json={"products": products}), 422, "upload id")
    assert body["errors"][0]["field"] == "products[1].logo"
    assert stored_counts(tmp_path / "data") == before


def test_uploaded_logo_is_used_by_id(client):
    up = client.post("/v1/uploads", files={"file": ("l.png", _png((40, 40), (10, 10, 200)), "image/png")})
    assert up.status_code == 201, up.text
    ref = up.json()["photo"]
    out = client.post("/v1/creatives", json={"product": {"title": "Mug", "logo": ref}})
    assert out.status_code == 201, out.text
    assert client.get(f"/v1/products/{out.json()['product_id']}").json()["data"]["logo"] == ref
    never = "uploads/" + "0" * 32 + ".png"
    assert_problem(client.post("/v1/creatives", json={"product": {"title": "Mug", "logo": never}}), 404)


@pytest.mark.parametrize(
    "body,status,needle",
    [
        ({"product": {"title": "Mug", "description": "x" * 6000}}, 422, "ADCRAFT_MAX_DESCRIPTION_CHARS"),
        ({"product": {"title": "Mug"}, "placements": ["12x12"]}, 422, "12x12"),
        ({"product": {"title": "Mug"}, "audiences": ["martians"]}, 404, "martians"),
        (
            {"product": {"title": "Mug", "banned_terms": ["mug"]}},
            422,
            "banned term",
        ),  # found while generating
        ({"product": {"title": ""}}, 422, "title"),
        ({"product": {"title": "Mug", "price": "abc"}}, 422, "price"),
    ],
)
def test_refused_requests_store_nothing(client, tmp_path, body, status, needle):
    before = stored_counts(tmp_path / "data")
    assert_problem(client.post("/v1/creatives", json=body), status, needle)
    assert stored_counts(tmp_path / "data") == before


def test_bodies_past_the_limit_are_413_and_store_nothing(tmp_path):
    client = make_client(tmp_path / "data", max_body_bytes=4096)
    before = stored_counts(tmp_path / "data")
    big = {"product": {"title": "Mug", "description": "x" * 10 * 2**20}}  # the reported 10 MB case
    assert_problem(client.post("/v1/creatives", json=big), 413, "ADCRAFT_MAX_BODY_BYTES=4096")

    def chunks():  # no Content-Length: the limit holds while the body streams in
        for _ in range(10):
            yield b" " * 1000

    streamed = client.post("/v1/events", content=chunks(), headers={"content-type": "application/json"})
    assert_problem(streamed, 413)
    assert stored_counts(tmp_path / "data") == before
    client.__exit__(None, None, None)


def _png_bomb(side: int = 100_000) -> bytes:
    """A PNG whose header claims side x side grey pixels (10 Gpx): a decompression bomb in ~100 bytes."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", side, side, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0" * 64))
        + chunk(b"IEND", b"")
    )


def test_decompression_bomb_upload_is_refused(client, tmp_path):
    response = client.post("/v1/uploads", files={"file": ("bomb.png", _png_bomb(), "image/png")})
    assert_problem(response, 422, "decompression bomb")
    assert stored_counts(tmp_path / "data")["uploads"] == 0


def test_upload_limit_is_413(tmp_path):
    client = make_client(tmp_path / "data", max_upload_bytes=2048)
    response = client.post("/v1/uploads", files={"file": ("p.png", os.urandom(4096), "image/png")})
    assert_problem(response, 413, "ADCRAFT_MAX_UPLOAD_BYTES")
    huge = client.post("/v1/uploads", files={"file": ("p.png", b"\0" * 200_000, "image/png")})
    assert_problem(huge, 413)  # refused by the body limit before the form is parsed
    client.__exit__(None, None, None)


@pytest.mark.parametrize(
    "header",
    [b"", b"s3cret ", "é".encode(), "é".encode("latin-1"), b"\xff\xfe", "秘密".encode()],
)
def test_api_key_compares_raw_bytes(tmp_path, header):
    client = make_client(tmp_path / "data", api_key="s3cret")
    assert_problem(client.get("/v1/creatives", headers={"X-API-Key": header}), 401, "X-API-Key")
    assert client.get("/v1/creatives", headers={"X-API-Key": "s3cret"}).status_code == 200
    client.__exit__(None, None, None)


def test_nul_bytes_and_huge_offsets_are_4xx(client):
    assert_problem(client.get("/v1/products/a%00b"), 404)
    assert_problem(client.get("/v1/creatives/" + "a" * 5000), 404)
    assert_problem(client.get("/v1/creatives", params={"product_id": "a\x00b"}), 422, "product_id")
    for offset in (2**63, 10**30, -1):
        assert_problem(client.get("/v1/creatives", params={"offset": offset}), 422, "offset")
