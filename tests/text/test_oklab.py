"""OKLab / OKLCH conversions against Ottosson's published values."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from adcraft.text.oklab import oklch_to_srgb, srgb_to_oklab, srgb_to_oklch


@pytest.mark.parametrize(
    "rgb, lab",
    [
        ((1.0, 1.0, 1.0), (1.0, 0.0, 0.0)),
        ((1.0, 0.0, 0.0), (0.62796, 0.22486, 0.12585)),
        ((0.0, 1.0, 0.0), (0.86644, -0.23389, 0.17950)),
        ((0.0, 0.0, 1.0), (0.45201, -0.03246, -0.31153)),
        ((0.0, 0.0, 0.0), (0.0, 0.0, 0.0)),
    ],
)
def test_reference_values(rgb, lab):
    np.testing.assert_allclose(srgb_to_oklab(np.array(rgb)), lab, atol=2e-4)


@given(st.tuples(*[st.floats(0, 1)] * 3))
def test_oklch_round_trip(rgb):
    x = np.array(rgb)
    np.testing.assert_allclose(oklch_to_srgb(srgb_to_oklch(x)), x, atol=1e-6)


def test_lightness_orders_black_grey_white_and_hue_names_the_colour():
    lch = srgb_to_oklch(np.array([[0, 0, 0], [0.5, 0.5, 0.5], [1, 1, 1], [1, 0, 0], [0, 0, 1]]))
    assert lch[0, 0] < lch[1, 0] < lch[2, 0] and lch[1, 1] < 1e-6  # grey has no chroma
    assert 20 < lch[3, 2] < 40 and 250 < lch[4, 2] < 275  # red ~29 degrees, blue ~264
