import pytest
from PIL import Image

from adcraft.cli import main


def _run(args, capsys):
    with pytest.raises(SystemExit) as exc:
        main(args)
    return exc.value.code, capsys.readouterr()


@pytest.mark.parametrize(
    "args,field",
    [
        (["generate", "", "--price", "199"], "title"),
        (["generate", "\u200b\u0007", "--price", "199"], "title"),
        (["generate", "连衣裙", "--price", "-5"], "price"),
        (["generate", "连衣裙", "--price", "abc"], "price"),
        (["generate", "连衣裙", "--price", "199", "--currency", "XYZ"], "currency"),
        (["generate", "连衣裙", "--price", "199", "--placements", "99x500"], "placement"),
        (["generate", "连衣裙", "--price", "199", "--placements", "5000x500"], "placement"),
        (["generate", "连衣裙", "--price", "199", "--placements", "billboard"], "placement"),
        (["generate", "连衣裙", "--price", "199", "--lang", "fr"], "--lang"),
        (["generate", "连衣裙", "--price", "199", "--format", "gif"], "format"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(args, field, capsys, tmp_path):
    code, out = _run(args + ["--out", str(tmp_path)], capsys)
    assert code == 2
    lines = out.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and field in lines[0]


def test_photo_that_is_not_an_image_or_a_bomb(capsys, tmp_path):
    fake = tmp_path / "fake.jpg"
    fake.write_bytes(b"not an image at all")
    code, out = _run(["generate", "鞋", "--price", "9", "--photo", str(fake), "--out", str(tmp_path)], capsys)
    assert code == 2 and "photo 'fake.jpg' is not a readable image" in out.err
    bomb = tmp_path / "bomb.png"
    Image.new("1", (8000, 8000)).save(bomb)
    code, out = _run(["generate", "鞋", "--price", "9", "--photo", str(bomb), "--out", str(tmp_path)], capsys)
    assert code == 2 and "photo 'bomb.png'" in out.err and len(out.err.strip().splitlines()) == 1
