import json
import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from adcraft.errors import InvalidInputError
from adcraft.store.files import (
    relative_to_root,
    resolve_inside,
    save_image_atomic,
    write_bytes_atomic,
    write_json_atomic,
)


def test_write_bytes_atomic_replaces_and_leaves_no_temp(tmp_path):
    path = tmp_path / "a" / "b.bin"
    write_bytes_atomic(path, b"one")
    write_bytes_atomic(path, b"two")
    assert path.read_bytes() == b"two"
    assert sorted(os.listdir(path.parent)) == ["b.bin"]


def test_write_bytes_atomic_keeps_old_file_when_write_fails(tmp_path):
    path = tmp_path / "x.json"
    write_json_atomic(path, {"k": "值"})

    with pytest.raises(TypeError):
        write_bytes_atomic(path, object())  # not bytes: fails inside the write
    assert json.loads(path.read_text("utf-8")) == {"k": "值"}
    assert sorted(os.listdir(tmp_path)) == ["x.json"]


def test_save_image_atomic_roundtrip_and_bad_suffix(tmp_path):
    img = Image.new("RGBA", (8, 8), (255, 0, 0, 128))
    save_image_atomic(img, tmp_path / "i.png")
    assert Image.open(tmp_path / "i.png").getpixel((0, 0)) == (255, 0, 0, 128)
    save_image_atomic(img, tmp_path / "i.jpg")
    assert Image.open(tmp_path / "i.jpg").mode == "RGB"
    with pytest.raises(InvalidInputError, match=".gif"):
        save_image_atomic(img, tmp_path / "i.gif")


@pytest.mark.parametrize("bad", ["../x", "/etc/passwd", "a/../../x"])
def test_resolve_inside_refuses_escapes(tmp_path, bad):
    with pytest.raises(InvalidInputError, match="outside"):
        resolve_inside(tmp_path, bad)


def test_resolve_inside_refuses_symlink_escape(tmp_path):
    (tmp_path / "root").mkdir()
    (tmp_path / "root" / "link").symlink_to(tmp_path)
    with pytest.raises(InvalidInputError):
        resolve_inside(tmp_path / "root", "link/secret")


@settings(max_examples=50, deadline=None)
@given(st.lists(st.text(alphabet="abc._-", min_size=1, max_size=4), min_size=1, max_size=4))
def test_resolve_inside_never_returns_outside(tmp_path_factory, parts):
    root = tmp_path_factory.mktemp("r")
    rel = "/".join(parts)
    try:
        out = resolve_inside(root, rel)
    except InvalidInputError:
        return
    assert out == root.resolve() or root.resolve() in out.parents


def test_relative_to_root(tmp_path):
    assert relative_to_root(tmp_path, tmp_path / "c" / "d.png") == "c/d.png"
    with pytest.raises(InvalidInputError):
        relative_to_root(tmp_path / "c", tmp_path / "d.png")
