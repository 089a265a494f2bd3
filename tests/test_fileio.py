import json

import pytest

from adcraft.fileio import atomic_path, write_bytes_atomic, write_json_atomic


def test_writes_replace_the_file_and_leave_no_temp_files(tmp_path):
    target = tmp_path / "sub" / "state.json"
    write_json_atomic(target, {"b": 1, "a": "中"})
    write_json_atomic(target, {"b": 2})
    assert json.loads(target.read_text(encoding="utf-8")) == {"b": 2}
    assert [p.name for p in target.parent.iterdir()] == ["state.json"]


def test_a_failed_write_keeps_the_old_file_and_removes_its_temp(tmp_path):
    target = write_bytes_atomic(tmp_path / "weights.bin", b"old")
    with pytest.raises(RuntimeError), atomic_path(target) as tmp:
        tmp.write_bytes(b"half")
        raise RuntimeError("killed mid-write")
    assert target.read_bytes() == b"old" and [p.name for p in tmp_path.iterdir()] == ["weights.bin"]
