"""Importing a merchant's images + captions: every bad row is reported, every good row kept."""

from __future__ import annotations

import json

import pytest
from PIL import Image

from adcraft.cli import main
from adcraft.data.dataset import read_dataset
from adcraft.data.importer import import_dataset
from adcraft.errors import DataError
from helpers import draw_item


@pytest.fixture
def images(tmp_path):
    folder = tmp_path / "imgs"
    folder.mkdir()
    draw_item("ellipse", (200, 30, 30)).save(folder / "red.png")
    draw_item("rectangle", (30, 30, 200)).convert("RGB").save(folder / "blue.jpg")
    draw_item("ellipse", (200, 30, 30)).save(folder / "red-copy.png")  # same bytes as red.png
    (folder / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\nnot really")
    Image.new("RGB", (110, 110), "white").save(folder / "huge.png")
    return folder


def write_csv(path, rows, encoding="utf-8"):
    path.write_text(
        "file,caption,concept\n" + "".join(f"{f},{c},{k}\n" for f, c, k in rows), encoding=encoding
    )
    return path


def test_bad_rows_are_reported_by_row_and_field_and_good_rows_kept(images, tmp_path, monkeypatch):
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 5000)  # makes huge.png (12,100 px) a decompression bomb
    csv_path = write_csv(
        tmp_path / "c.csv",
        [
            ("red.png", "红色连衣裙", "dress"),  # 1 ok
            ("blue.jpg", "blue box", ""),  # 2 ok (no alpha -> opaque)
            ("missing.png", "x", ""),  # 3 missing file
            ("broken.png", "坏图", ""),  # 4 corrupt
            ("red.png", "again", ""),  # 5 same file twice
            ("red-copy.png", "copy", ""),  # 6 same bytes
            ("huge.png", "big", ""),  # 7 bomb
            ("blue.jpg", " ", ""),  # 8 empty caption
            ("../c.csv", "escape", ""),  # 9 outside the folder
        ],
        encoding="gb18030",
    )
    report = import_dataset(images, csv_path, tmp_path / "out", size=32)
    assert report.kept == 2
    assert [(i.row, i.field) for i in report.skipped] == [
        (3, "file"),
        (4, "file"),
        (5, "file"),
        (6, "file"),
        (7, "file"),
        (8, "caption"),
        (9, "file"),
    ]
    reasons = " | ".join(i.reason for i in report.skipped)
    for phrase in (
        "not found",
        "not a readable image",
        "listed twice",
        "same image bytes as row 1",
        "decompression bomb",
        "empty",
        "outside the images folder",
    ):
        assert phrase in reasons
    records = read_dataset(tmp_path / "out")
    assert [r.captions for r in records] == [["红色连衣裙"], ["blue box"]]
    with Image.open(tmp_path / "out" / records[1].file) as img:
        assert img.mode == "RGBA" and img.size == (32, 32) and img.getextrema()[3] == (255, 255)


def test_jsonl_with_a_broken_line(images, tmp_path):
    path = tmp_path / "c.jsonl"
    path.write_text("\n".join([json.dumps({"file": "red.png", "caption": "red"}), "{oops", "[1, 2]"]) + "\n")
    report = import_dataset(images, path, tmp_path / "out")
    assert report.kept == 1 and [(i.row, i.field) for i in report.skipped] == [(2, "line"), (3, "line")]


@pytest.mark.parametrize(
    "content, suffix, message",
    [
        ("name,text\nred.png,x\n", ".csv", r"lacks column\(s\) \['caption', 'file'\]"),
        ("file,caption\n", ".txt", "must be .csv or .jsonl"),
    ],
)
def test_unusable_captions_files_raise(images, tmp_path, content, suffix, message):
    path = tmp_path / f"c{suffix}"
    path.write_text(content)
    with pytest.raises(DataError, match=message):
        import_dataset(images, path, tmp_path / "out")


def test_cli_exits_2_when_nothing_is_kept(images, tmp_path, capsys):
    csv_path = write_csv(tmp_path / "c.csv", [("missing.png", "x", "")])
    with pytest.raises(SystemExit) as exc:
        main(
            [
                "data",
                "import",
                "--images",
                str(images),
                "--captions",
                str(csv_path),
                "--out",
                str(tmp_path / "o"),
            ]
        )
    assert exc.value.code == 2
    assert "row 1: file: 'missing.png' not found" in capsys.readouterr().err


def test_over_long_caption_and_missing_file_name_are_skipped(images, tmp_path):
    path = tmp_path / "c.jsonl"
    rows = [
        {"file": "red.png", "caption": "长" * 513},
        {"caption": "no file"},
        {"file": "blue.jpg", "caption": "ok"},
    ]
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    report = import_dataset(images, path, tmp_path / "out")
    assert report.kept == 1
    assert [(i.row, i.field) for i in report.skipped] == [(1, "caption"), (2, "file")]
    assert "513 characters; at most 512" in report.skipped[0].reason


def test_utf8_bom_csv_via_cli_exits_0_and_is_deterministic(images, tmp_path):
    from typer.testing import CliRunner

    from adcraft.cli import _register_commands, app

    _register_commands()
    csv_path = tmp_path / "c.csv"
    csv_path.write_text("file,caption\nred.png,红色连衣裙\n", encoding="utf-8-sig")
    for out in ("a", "b"):
        result = CliRunner().invoke(
            app,
            [
                "data",
                "import",
                "--images",
                str(images),
                "--captions",
                str(csv_path),
                "--out",
                str(tmp_path / out),
            ],
        )
        assert result.exit_code == 0 and "kept 1 rows, skipped 0" in result.output
    manifests = [json.loads((tmp_path / d / "manifest.json").read_text()) for d in ("a", "b")]
    assert manifests[0]["fingerprint"] == manifests[1]["fingerprint"]
    assert read_dataset(tmp_path / "a")[0].captions == ["红色连衣裙"]
