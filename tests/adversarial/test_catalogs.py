"""Catalogs from real shops: encodings, extra columns, row identity, bad options, bad rows."""

from __future__ import annotations

import csv
import io
import json
import logging

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adcraft.batch.catalog import read_catalog
from adcraft.batch.runner import PRODUCTS_DIR, mark_duplicates, row_key, run_batch
from adcraft.errors import AdcraftError, DataError
from adcraft.generate import GenerationSettings

SETTINGS = GenerationSettings(model="tiny-random", placements=("300x250",), steps=1)


@pytest.fixture(scope="module")
def tiny_pipeline():
    """An untrained tiny pipeline: the batch machinery runs for real, in seconds."""
    from adcraft.diffusion.pipeline import TextToImagePipeline

    return TextToImagePipeline.tiny_random(seed=0)


def write_csv(path, rows, fieldnames, encoding="utf-8"):
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=fieldnames)
    writer.writeheader()
    writer.writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


ZH_ROWS = [
    {"id": "A1", "title": "红色连衣裙 夏季新款", "price": "199", "description": "纯棉面料，透气舒适"},
    {"id": "A2", "title": "蓝色运动鞋", "price": "299", "description": "轻便透气，适合跑步"},
    {"id": "A3", "title": "白色陶瓷杯", "price": "39", "description": "简约设计，办公室必备"},
]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "gb18030", "gbk"])
def test_chinese_catalogs_read_the_same_in_every_common_encoding(tmp_path, encoding):
    path = write_csv(tmp_path / "c.csv", ZH_ROWS, ["id", "title", "price", "description"], encoding)
    rows = read_catalog(path)
    assert [r.product["title"] for r in rows] == [r["title"] for r in ZH_ROWS]
    assert all(r.error is None for r in rows)


@pytest.mark.parametrize(
    ("encoding", "rows"),
    [
        ("cp1252", [{"title": "Schöne Tasse", "price": "12"}, {"title": "Größe Kanne", "price": "20"}]),
        ("shift_jis", [{"title": "赤い靴", "price": "500"}]),
    ],
)
def test_catalogs_in_an_unclear_encoding_are_refused_not_garbled(tmp_path, encoding, rows):
    # these used to be read as GB18030 without a word: garbled creatives, exit 0
    path = write_csv(tmp_path / "c.csv", rows, ["title", "price"], encoding)
    with pytest.raises(DataError, match=r"encoding cannot be told with confidence.*--encoding") as info:
        read_catalog(path)
    assert "\n" not in str(info.value)
    named = read_catalog(path, encoding=encoding)  # the merchant names it: read exactly
    assert [r.product["title"] for r in named] == [r["title"] for r in rows]


def test_a_wrong_or_unknown_named_encoding_is_one_line(tmp_path):
    path = write_csv(tmp_path / "c.csv", ZH_ROWS, ["id", "title", "price", "description"], "utf-8")
    with pytest.raises(DataError, match=r"encoding 'klingon' is not one Python knows"):
        read_catalog(path, encoding="klingon")
    with pytest.raises(DataError, match=r"is not valid ascii text"):
        read_catalog(path, encoding="ascii")


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=300))
def test_any_bytes_are_rows_or_one_data_error(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("c") / "c.csv"
    path.write_bytes(b"title,price\n" + data)
    try:
        rows = read_catalog(path)
    except AdcraftError as exc:
        assert "\n" not in str(exc)
    else:
        assert all((r.product is None) == (r.error is not None) or r.error for r in rows)


def test_extra_shop_columns_are_ignored_with_one_warning(tmp_path, caplog):
    rows = [{**r, "stock": "5", "category_path": "女装/连衣裙", "": ""} for r in ZH_ROWS]
    path = write_csv(
        tmp_path / "c.csv", rows, ["id", "title", "price", "description", "stock", "category_path", ""]
    )
    with caplog.at_level(logging.WARNING, logger="adcraft.batch.catalog"):
        parsed = read_catalog(path)
    assert all(r.error is None for r in parsed) and "stock" not in parsed[0].product
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "'category_path'" in warnings[0] and "'stock'" in warnings[0]


def test_rows_are_validated_when_read(tmp_path):
    rows = [{"title": "Lamp", "price": "19,99"}, {"title": "Mug", "price": "5", "currency": "NO"}]
    path = write_csv(tmp_path / "c.csv", rows, ["title", "price", "currency"])
    first, second = read_catalog(path)
    assert "price '19,99' is not a number as CNY prices are written" in first.error
    assert second.error.startswith("currency 'NO' must be one of")


def test_row_identity_ignores_position_and_keeps_ids_apart(tmp_path):
    base = [{"title": "Teapot", "price": "20"}, {"title": "Desk lamp", "price": "30"}]
    one = write_csv(tmp_path / "one.csv", base, ["title", "price"])
    two = write_csv(tmp_path / "two.csv", [{"title": "Kettle", "price": "9"}, *base], ["title", "price"])
    keys_one = {r.product["title"]: (r.id, row_key(r, SETTINGS)) for r in read_catalog(one)}
    keys_two = {r.product["title"]: (r.id, row_key(r, SETTINGS)) for r in read_catalog(two)}
    assert keys_two["Teapot"] == keys_one["Teapot"] and keys_two["Desk lamp"] == keys_one["Desk lamp"]
    ids = write_csv(
        tmp_path / "ids.csv",
        [{"id": "SKU/1", "title": "Mug"}, {"id": "SKU 1", "title": "Mug"}, {"id": "SKU/1", "title": "Cup"}],
        ["id", "title"],
    )
    a, b, c = read_catalog(ids)
    assert a.id == b.id == "SKU-1" and row_key(a, SETTINGS) != row_key(b, SETTINGS)
    assert "id 'SKU/1' is also row 1's; ids must be unique" in c.error
    assert mark_duplicates([a, b, c], SETTINGS) == {}


def test_batch_keeps_apart_ids_that_look_alike_and_survives_a_bad_row(tmp_path, tiny_pipeline):
    path = tmp_path / "c.jsonl"
    lines = [
        {"id": "SKU/1", "title": "Mug", "price": "5"},
        {"id": "SKU 1", "title": "Mug", "price": "5"},
        {"id": "bad", "title": "Mug", "price": "$5"},
        {"title": "Teapot", "price": "20"},
        {"title": "Teapot", "price": "20"},
    ]
    path.write_text("\n".join(json.dumps(r) for r in lines), encoding="utf-8")
    out = tmp_path / "out"
    summary = run_batch(path, out, SETTINGS, pipeline=tiny_pipeline)
    status = [(r.number, r.status) for r in summary.rows]
    assert status == [(1, "done"), (2, "done"), (3, "failed"), (4, "done"), (5, "skipped")]
    assert "same product and id as row 4" in summary.rows[4].error
    folders = sorted(p.name for p in (out / PRODUCTS_DIR).iterdir())
    assert len(folders) == 3 and sum(f.startswith("SKU-1-") for f in folders) == 2
    results = [json.loads((out / PRODUCTS_DIR / f / "result.json").read_text()) for f in folders]
    assert sorted(str(r["source_id"]) for r in results) == ["None", "SKU 1", "SKU/1"]
    # a row inserted at the top does not make a rerun redo the others
    path.write_text("\n".join(json.dumps(r) for r in [{"title": "Kettle"}, *lines]), encoding="utf-8")
    again = run_batch(path, out, SETTINGS, pipeline=tiny_pipeline)
    assert (again.done, again.failed, again.skipped) == (1, 1, 4)


@pytest.mark.parametrize(
    ("settings_", "message"),
    [
        (GenerationSettings(model="tiny-random", placements=("5x5",)), r"placement '5x5' width 5 px"),
        (GenerationSettings(model="tiny-random", audiences=("nobody",)), r"unknown segment 'nobody'"),
    ],
)
def test_bad_placements_or_audiences_fail_before_the_model_loads_or_a_file_is_written(
    tmp_path, settings_, message
):
    path = write_csv(tmp_path / "c.csv", ZH_ROWS, ["id", "title", "price", "description"])
    out = tmp_path / "out"
    with pytest.raises(AdcraftError, match=message):
        run_batch(path, out, settings_, pipeline=None)  # pipeline None: loading would be attempted
    assert not out.exists()


def test_out_at_a_file_is_refused_before_anything_is_written(tmp_path):
    path = write_csv(tmp_path / "c.csv", ZH_ROWS, ["id", "title", "price", "description"])
    (tmp_path / "f").write_text("x")
    with pytest.raises(AdcraftError, match=r"is a file; give a folder"):
        run_batch(path, tmp_path / "f", SETTINGS)
    with pytest.raises(AdcraftError, match=r"lies under the file"):
        run_batch(path, tmp_path / "f" / "sub", SETTINGS)
