import json

import pytest
from PIL import Image

from adcraft.batch.jobs import product_key
from adcraft.batch.runner import PARTIAL_DIR, PRODUCTS_DIR, REPORT_FILE, run_batch
from adcraft.errors import InvalidInputError
from adcraft.generate import GenerationSettings

SETTINGS = GenerationSettings(model="tiny-random", placements=("300x250",), steps=2)


def check_outputs(out, expected):
    """Every finished product folder is complete: result.json, readable images, parsing manifests."""
    folders = sorted((out / PRODUCTS_DIR).iterdir())
    assert len(folders) == expected
    for folder in folders:
        result = json.loads((folder / "result.json").read_text(encoding="utf-8"))
        for creative in result["creatives"]:
            with Image.open(folder / creative["image"]) as img:
                img.load()
                assert img.size == (300, 250)
            json.loads((folder / creative["manifest"]).read_text(encoding="utf-8"))
    leftovers = [p for p in out.rglob("*") if p.name.startswith(".") and p.name != PARTIAL_DIR]
    assert leftovers == [] and not (out / PARTIAL_DIR).exists()
    return folders


def test_bad_rows_are_reported_and_rerun_skips_finished(tmp_path, write_catalog, tiny_pipeline):
    catalog = write_catalog(
        [
            {"id": "a", "title": "红色跑鞋", "price": "199"},
            {"id": "b", "title": "", "price": "5"},
            {"id": "c", "title": "Blue mug", "price": "abc"},
            {"id": "d", "title": "Desk lamp", "price": "30"},
        ],
        encoding="gb18030",
    )
    out = tmp_path / "out"
    seen = []
    summary = run_batch(catalog, out, SETTINGS, pipeline=tiny_pipeline, on_progress=seen.append)
    assert (summary.total, summary.done, summary.failed, summary.skipped) == (4, 2, 2, 0)
    assert len(seen) == 4
    report = json.loads((out / REPORT_FILE).read_text(encoding="utf-8"))
    assert [e["number"] for e in report["errors"]] == [2, 3]
    assert "title" in report["errors"][0]["error"] and "price" in report["errors"][1]["error"]
    check_outputs(out, 2)
    again = run_batch(catalog, out, SETTINGS, pipeline=tiny_pipeline)
    assert (again.done, again.skipped, again.failed) == (0, 2, 2)
    check_outputs(out, 2)
    changed = GenerationSettings(model="tiny-random", placements=("300x250",), steps=3)
    assert run_batch(catalog, out, changed, pipeline=tiny_pipeline).done == 2  # new settings, new key


def test_partial_work_from_a_killed_run_is_redone(tmp_path, write_catalog, tiny_pipeline):
    catalog = write_catalog([{"id": "a", "title": "Teapot", "price": "20"}])
    out = tmp_path / "out"
    stale = out / PARTIAL_DIR / "a-0123.dead"
    stale.mkdir(parents=True)
    (stale / "half.png").write_bytes(b"\x89PNG")
    summary = run_batch(catalog, out, SETTINGS, pipeline=tiny_pipeline)
    assert summary.done == 1
    check_outputs(out, 1)


def test_product_key_depends_on_input_and_settings():
    p = {"title": "x", "price": "1"}
    assert product_key(p, SETTINGS) == product_key(dict(reversed(list(p.items()))), SETTINGS)
    assert product_key(p, SETTINGS) != product_key({**p, "price": "2"}, SETTINGS)
    assert product_key(p, SETTINGS) != product_key(p, GenerationSettings(model="tiny-random", seed=1))


def test_bad_options_are_refused(tmp_path, write_catalog):
    with pytest.raises(InvalidInputError, match="engine"):
        run_batch(write_catalog([]), tmp_path / "o", SETTINGS, engine="spark")
    with pytest.raises(InvalidInputError, match="placements"):
        GenerationSettings(placements=())
