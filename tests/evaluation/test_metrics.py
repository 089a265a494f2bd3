import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from adcraft.errors import InvalidInputError
from adcraft.evaluation.metrics import (
    alpha_is_one_object,
    frechet_distance,
    is_collapsed,
    mean_pairwise_distance,
    pixel_spread,
    topk_hits,
)


def test_topk_hits_on_known_probabilities():
    proba = np.array([[0.1, 0.7, 0.2], [0.5, 0.3, 0.2], [0.2, 0.3, 0.5]])
    targets = np.array([1, 2, 0])
    assert topk_hits(proba, targets, 1).tolist() == [True, False, False]
    assert topk_hits(proba, targets, 2).tolist() == [True, False, False]
    assert topk_hits(proba, targets, 3).tolist() == [True, True, True]


def test_topk_hits_refuses_mismatched_shapes():
    with pytest.raises(InvalidInputError):
        topk_hits(np.zeros((3, 4)), np.zeros(2, int), 1)


def test_frechet_distance_is_zero_for_the_same_set_and_grows_with_shift():
    rng = np.random.default_rng(0)
    a = rng.normal(size=(400, 8))
    assert frechet_distance(a, a) == pytest.approx(0.0, abs=1e-6)
    near = frechet_distance(a, rng.normal(size=(400, 8)))
    far = frechet_distance(a, rng.normal(size=(400, 8)) + 3.0)
    assert near < 1.0 < far
    assert far == pytest.approx(8 * 9.0, rel=0.15)  # mean shift of 3 in each of 8 dims


def test_frechet_distance_handles_rank_deficient_features():
    a = np.zeros((10, 6))
    a[:, 0] = np.arange(10)
    assert np.isfinite(frechet_distance(a, a + 1.0))


@settings(max_examples=25, deadline=None)
@given(st.integers(2, 6), st.integers(1, 5), st.integers(0, 1000))
def test_mean_pairwise_distance_is_nonnegative_and_zero_for_copies(n, d, seed):
    feats = np.random.default_rng(seed).normal(size=(n, d))
    assert mean_pairwise_distance(feats) > 0
    assert mean_pairwise_distance(np.repeat(feats[:1], n, axis=0)) == 0.0


def test_identical_images_have_zero_diversity_and_are_collapsed(noise_images):
    same = [noise_images[0].copy() for _ in range(3)]
    assert pixel_spread(same) == 0.0 and is_collapsed(same)
    assert not is_collapsed(noise_images[:3])


def blob(box, size=64) -> Image.Image:
    img = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    img.paste((200, 0, 0, 255), box)
    return img


def test_alpha_quality_accepts_one_centred_object():
    assert alpha_is_one_object(blob((16, 16, 48, 48)))


def test_alpha_quality_rejects_blank_two_objects_cut_and_noise(noise_images):
    assert not alpha_is_one_object(Image.new("RGBA", (64, 64)))  # blank
    two = blob((8, 8, 24, 24))
    two.paste((0, 0, 200, 255), (40, 40, 56, 56))
    assert not alpha_is_one_object(two)  # two objects
    assert not alpha_is_one_object(blob((0, 16, 40, 48)))  # cut by the frame
    assert not any(alpha_is_one_object(img) for img in noise_images)


def test_alpha_quality_tolerates_a_speck():
    img = blob((12, 12, 52, 52))
    img.putpixel((4, 4), (0, 0, 0, 255))
    assert alpha_is_one_object(img)
