import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adcraft.batch.catalog import decode_text, read_catalog, safe_id
from adcraft.errors import DataError, InvalidInputError


def test_csv_utf8_and_gb18030_read_the_same(tmp_path):
    text = "id,title,price,selling_points\nA1,红色跑鞋,199,轻便|透气\nA2,Blue mug,12.5,\n"
    (tmp_path / "u.csv").write_bytes(text.encode("utf-8"))
    (tmp_path / "g.csv").write_bytes(text.encode("gb18030"))
    a, b = read_catalog(tmp_path / "u.csv"), read_catalog(tmp_path / "g.csv")
    assert [r.product for r in a] == [r.product for r in b]
    assert a[0].id == "A1" and a[0].product == {
        "title": "红色跑鞋",
        "price": "199",
        "selling_points": ["轻便", "透气"],
    }
    assert a[1].product == {"title": "Blue mug", "price": "12.5"}


def test_csv_bad_rows_become_errors_not_exceptions(tmp_path):
    (tmp_path / "c.csv").write_text("title,price\nok,1\nextra,2,3\n", encoding="utf-8")
    rows = read_catalog(tmp_path / "c.csv")
    assert rows[0].error is None and "extra cell" in rows[1].error


def test_csv_without_title_column_is_refused(tmp_path):
    (tmp_path / "c.csv").write_text("name,price\nx,1\n", encoding="utf-8")
    with pytest.raises(DataError, match="title"):
        read_catalog(tmp_path / "c.csv")


def test_jsonl_with_bad_lines_and_relative_photo(tmp_path):
    lines = [
        json.dumps({"sku": "s/1", "title": "杯子", "photo": "img/a.png"}, ensure_ascii=False),
        "{not json",
        "[1, 2]",
        "",
    ]
    (tmp_path / "c.jsonl").write_text("\n".join(lines), encoding="utf-8")
    rows = read_catalog(tmp_path / "c.jsonl")
    assert len(rows) == 3
    assert rows[0].id == "s-1" and rows[0].product["photo"] == str(tmp_path / "img" / "a.png")
    assert "not valid JSON" in rows[1].error and "JSON object" in rows[2].error


def test_parquet(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.table({"id": ["p1"], "title": ["Lamp"], "price": [9.5]}), tmp_path / "c.parquet")
    (row,) = read_catalog(tmp_path / "c.parquet")
    assert row.id == "p1" and row.product == {"title": "Lamp", "price": 9.5}


def test_unknown_format_and_missing_file(tmp_path):
    with pytest.raises(InvalidInputError, match="xlsx"):
        read_catalog(tmp_path / "c.xlsx")
    with pytest.raises(DataError, match="does not exist"):
        read_catalog(tmp_path / "c.csv")


def test_decode_text_refuses_binary():
    with pytest.raises(DataError, match="is not text"):
        decode_text(b"\xff\xfe\x00\x81\x30", "x.csv")


@settings(max_examples=80, deadline=None)
@given(st.text(max_size=60), st.integers(1, 10**6))
def test_safe_id_is_always_file_name_safe(value, n):
    out = safe_id(value, n)
    assert out and len(out) <= 40 and "/" not in out and out not in (".", "..")
    assert all(ch.isascii() and (ch.isalnum() or ch in "_.-") for ch in out)


def test_the_readme_example_catalog_reads_without_errors():
    rows = read_catalog(Path(__file__).resolve().parents[2] / "examples" / "catalog.csv")
    assert [(r.id, r.error) for r in rows] == [("dress", None), ("sneakers", None), ("mug", None)]
    assert rows[0].product["selling_points"] == ["轻薄透气", "收腰显瘦"]
