"""CLI: `adcraft validate` and `adcraft render` on real delivered files; bad input exits 2."""

from __future__ import annotations

import json

import numpy as np
import pytest
from PIL import Image, ImageDraw

from helpers import run_cli


@pytest.fixture(scope="module")
def delivered(tmp_path_factory):
    """A taobao-main delivery of one real composed creative (with its layout file)."""
    from adcraft.creative.compose import CreativeComposer, texts_from_copy
    from adcraft.creative.copywriting import Copy
    from adcraft.delivery.deliver import deliver_network
    from adcraft.delivery.networks import get_network

    visual = Image.new("RGBA", (256, 220), (0, 0, 0, 0))
    ImageDraw.Draw(visual).ellipse([20, 30, 236, 200], fill=(40, 90, 210, 255))
    copy = Copy(headline="法式碎花连衣裙", subline="轻盈雪纺", cta="立即购买", price_text="¥199", lang="zh")
    composer = CreativeComposer()
    creative = composer.compose("800x800", visual, texts_from_copy(copy))
    out = tmp_path_factory.mktemp("out")
    deliver_network(get_network("taobao-main"), [creative], visual, out, "dress", reader=composer.reader)
    return out / "taobao-main"


def test_validate_passes_a_delivery_and_fails_the_wrong_network(delivered, capsys):
    code, out, _ = run_cli(["validate", str(delivered), "--network", "taobao-main"], capsys)
    assert code == 0 and "all checks passed" in out
    code, out, _ = run_cli(["validate", str(delivered), "--network", "amazon-main"], capsys)
    assert code == 1 and "white_background" in out and "FAIL" in out


def test_validate_bad_input_is_one_line_exit_2(delivered, tmp_path, capsys):
    code, _, err = run_cli(["validate", str(delivered), "--network", "myspace"], capsys)
    assert code == 2 and err.startswith("error: network 'myspace' is unknown")
    code, _, err = run_cli(["validate", str(tmp_path / "none"), "--network", "taobao-main"], capsys)
    assert code == 2 and "does not exist" in err


def test_render_an_edited_layout_runs_qa_and_writes_png_and_svg(delivered, tmp_path, capsys):
    layout = delivered / "dress_800x800.layout.json"
    data = json.loads(layout.read_text(encoding="utf-8"))
    data["texts"]["headline"] = "新款碎花连衣裙"
    edited = delivered / "edited.layout.json"
    edited.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "edited.png"
    code, stdout, _ = run_cli(["render", str(edited), "--out", str(out), "--svg"], capsys)
    assert code == 0 and "QA passed" in stdout, stdout
    assert Image.open(out).size == (800, 800) and "新款碎花连衣裙" in out.with_suffix(".svg").read_text(
        "utf-8"
    )
    original = np.asarray(Image.open(delivered / "dress_800x800.png").convert("RGB"))
    assert not np.array_equal(np.asarray(Image.open(out).convert("RGB")), original)


def test_render_refuses_banned_copy_and_bad_files_before_writing(delivered, tmp_path, capsys):
    data = json.loads((delivered / "dress_800x800.layout.json").read_text(encoding="utf-8"))
    data["texts"]["headline"] = "全网第一连衣裙"
    banned = delivered / "banned.layout.json"
    banned.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    code, stdout, _ = run_cli(["render", str(banned), "--out", str(tmp_path / "b.png")], capsys)
    assert code == 1 and "breaks advertising rules" in stdout
    broken = delivered / "broken.layout.json"
    broken.write_text("{not json", encoding="utf-8")
    code, _, err = run_cli(["render", str(broken), "--out", str(tmp_path / "x.png")], capsys)
    assert (
        code == 2
        and err.startswith("error: broken.layout.json: not a readable JSON")
        and not (tmp_path / "x.png").exists()
    )
    code, _, err = run_cli(["render", str(banned), "--out", str(tmp_path / "x.gif")], capsys)
    assert code == 2 and "must end in one of" in err


def test_generate_refuses_an_unknown_network_or_theme_before_loading_the_model(tmp_path, capsys):
    code, _, err = run_cli(["generate", "连衣裙", "--network", "orkut", "--out", str(tmp_path / "o")], capsys)
    assert code == 2 and err.startswith("error: network 'orkut' is unknown; known networks:")
    code, _, err = run_cli(["generate", "连衣裙", "--theme", "easter", "--out", str(tmp_path / "o")], capsys)
    assert code == 2 and "known themes" in err and not (tmp_path / "o").exists()
