import sqlite3

import pytest

from adcraft.errors import InvalidInputError, NotFoundError
from adcraft.store import Store


@pytest.fixture
def store(tmp_path):
    s = Store(tmp_path / "data")
    yield s
    s.close()


def _creative(store, product_id, name="c", **kw):
    img = store.data_dir / "creatives" / f"{name}.png"
    man = store.data_dir / "creatives" / f"{name}.json"
    img.parent.mkdir(parents=True, exist_ok=True)
    img.write_bytes(b"png")
    man.write_text("{}")
    return store.add_creative(product_id, "square", img, man, **kw)


def test_default_database_is_sqlite_in_wal_mode(store):
    assert (store.data_dir / "adcraft.sqlite").is_file()
    con = sqlite3.connect(store.data_dir / "adcraft.sqlite")
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_product_and_creative_roundtrip(store):
    pid = store.add_product({"title": "红色跑鞋", "price": 199})
    assert store.get_product(pid)["title"] == "红色跑鞋"
    cid = _creative(store, pid, qa_status="pass", segment="young", notes={"compliance": []})
    rec = store.get_creative(cid)
    assert rec["image_path"] == "creatives/c.png" and rec["qa_status"] == "pass"
    assert store.creative_file(cid, "image").read_bytes() == b"png"
    assert [c["id"] for c in store.list_creatives(product_id=pid)] == [cid]
    assert store.list_creatives(segment="other") == []


def test_add_creative_refuses_files_outside_data_dir(store, tmp_path):
    pid = store.add_product({"title": "x"})
    with pytest.raises(InvalidInputError, match="outside"):
        store.add_creative(pid, "square", tmp_path / "evil.png", tmp_path / "evil.json")


def test_errors_name_the_bad_value(store):
    with pytest.raises(InvalidInputError, match="title"):
        store.add_product({"title": "  "})
    with pytest.raises(NotFoundError, match="nope"):
        store.get_creative("nope")
    with pytest.raises(NotFoundError, match="nope"):
        store.get_job("nope")
    with pytest.raises(InvalidInputError, match="limit"):
        store.list_creatives(limit=0)


def test_delete_creative_removes_files(store):
    pid = store.add_product({"title": "x"})
    cid = _creative(store, pid)
    path = store.creative_file(cid, "image")
    store.delete_creative(cid)
    assert not path.exists()
    with pytest.raises(NotFoundError):
        store.get_creative(cid)
    with pytest.raises(NotFoundError):
        store.delete_creative(cid)


def test_jobs_count_done_and_failed(store):
    jid = store.create_job({"products": 2}, total=2)
    store.update_job(jid, status="running")
    store.update_job(jid, result={"index": 0, "creative_ids": ["a"]})
    store.update_job(jid, result={"index": 1, "error": "bad"}, status="done")
    job = store.get_job(jid)
    assert (job["status"], job["done"], job["failed"], len(job["results"])) == ("done", 1, 1, 2)
    with pytest.raises(InvalidInputError, match="status"):
        store.update_job(jid, status="exploded")


def test_any_sqlalchemy_url(tmp_path):
    s = Store(tmp_path / "d", url=f"sqlite:///{tmp_path / 'other.db'}")
    s.add_product({"title": "y"})
    assert (tmp_path / "other.db").is_file() and not (tmp_path / "d" / "adcraft.sqlite").exists()
