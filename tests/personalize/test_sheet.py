import pytest
from PIL import Image

from adcraft.errors import InvalidInputError
from adcraft.personalize.sheet import CELL, contact_sheet, write_contact_sheet


def test_contact_sheet_lays_out_every_variant_with_its_label(tmp_path):
    colours = [(220, 30, 30), (30, 60, 220), (30, 170, 60), (240, 200, 20)]
    cells = []
    for k, c in enumerate(colours):
        Image.new("RGB", (300, 250), c).save(tmp_path / f"{k}.png")
        cells.append((f"v{k}", "palette=x · template=promo · 红色", tmp_path / f"{k}.png"))
    path = write_contact_sheet(cells, tmp_path / "sheet.png", columns=3)
    sheet = Image.open(path).convert("RGB")
    assert sheet.width > 3 * CELL and sheet.height > 2 * CELL  # 3 columns, 2 rows
    found = {sheet.getpixel((12 + (k % 3) * (CELL + 12) + CELL // 2, 12 + (k // 3) * (CELL + 66) + CELL // 2))
             for k in range(4)}  # fmt: skip
    assert found == set(colours)  # each variant's picture is in its own cell
    with pytest.raises(InvalidInputError, match="at least one"):
        contact_sheet([])
