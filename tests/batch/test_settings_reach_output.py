"""`adcraft batch`: every generation option it accepts changes the creative files it writes."""

import pytest

from adcraft.cli import main

BASE = {"--model": "tiny-random", "--steps": "2", "--placements": "300x250", "--upscaler": "lanczos"}


def _run(tmp_path, catalog, name, **options):
    out = tmp_path / name
    args = ["batch", str(catalog), "--out", str(out)]
    for flag, value in {**BASE, **options}.items():
        args += [flag] if value is True else [flag, value]
    main(args)  # returns when every row is done
    (image,) = [p for p in (out / "products").rglob("*") if p.suffix in (".png", ".jpg", ".webp")]
    return image.read_bytes()


@pytest.fixture(scope="module")
def catalog(tmp_path_factory):
    path = tmp_path_factory.mktemp("catalog") / "catalog.csv"
    path.write_text("id,title,price\nd1,红色连衣裙,199\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def baseline(tmp_path_factory, catalog):
    return _run(tmp_path_factory.mktemp("base"), catalog, "base")


@pytest.mark.parametrize(
    "options",
    [
        {"--placements": "728x90"},
        {"--audiences": "seniors"},
        {"--model": "default"},
        {"--steps": "3"},
        {"--guidance": "6"},
        {"--upscaler": "bicubic"},
        {"--format": "webp"},
        {"--seed": "1"},
    ],
    ids=lambda o: next(iter(o)),
)
def test_each_option_changes_the_creative(tmp_path, catalog, baseline, options):
    assert _run(tmp_path, catalog, "changed", **options) != baseline


def test_allow_warnings_keeps_a_flagged_row(tmp_path):
    catalog = tmp_path / "flagged.csv"
    catalog.write_text("id,title,price\nf1,全网最低价跑鞋,99\n", encoding="utf-8")
    with pytest.raises(SystemExit) as exc:  # the row fails: the law checker blocks its copy
        _run(tmp_path, catalog, "blocked")
    assert exc.value.code == 1
    assert _run(tmp_path, catalog, "allowed", **{"--allow-warnings": True})
