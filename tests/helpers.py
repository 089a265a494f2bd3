"""Test helpers shared across test modules (importable: tests/ is on pytest's pythonpath)."""

from __future__ import annotations

from PIL import Image, ImageDraw

FIXTURE_ITEMS = [  # (file stem, shape, colour, captions)
    ("red-circle", "ellipse", (220, 30, 30), ["红色圆球", "red ball"]),
    ("blue-square", "rectangle", (30, 60, 220), ["蓝色方块", "blue box"]),
    ("green-triangle", "triangle", (30, 170, 60), ["绿色三角", "green triangle"]),
    ("yellow-bar", "bar", (240, 200, 20), ["黄色长条", "yellow bar"]),
]


def draw_item(shape: str, colour: tuple[int, int, int], size: int = 64) -> Image.Image:
    """A flat-coloured object on a transparent background."""
    img = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    m = size // 6
    box = (m, m, size - m, size - m)
    fill = (*colour, 255)
    if shape == "ellipse":
        d.ellipse(box, fill=fill)
    elif shape == "rectangle":
        d.rectangle(box, fill=fill)
    elif shape == "triangle":
        d.polygon([(size // 2, m), (size - m, size - m), (m, size - m)], fill=fill)
    else:
        d.rectangle((m, size // 2 - m, size - m, size // 2 + m), fill=fill)
    return img


def run_cli(args: list[str], capsys) -> tuple[int, str, str]:
    """Run `adcraft ARGS` in-process; returns (exit code, stdout, stderr)."""
    from adcraft.cli import main

    try:
        main(args)
        code = 0
    except SystemExit as exc:
        code = exc.code or 0
    out = capsys.readouterr()
    return code, out.out, out.err
