import numpy as np
import pytest
from PIL import Image

from adcraft.errors import InvalidInputError
from adcraft.upscale import ncnn_available, resolve_method, upscale
from adcraft.upscale.matte import bleed_colors

needs_ncnn = pytest.mark.skipif(not ncnn_available(), reason="ncnn not installed")


def disc(size=16, color=(200, 30, 30)) -> Image.Image:
    """A red disc on a transparent background."""
    yy, xx = np.mgrid[:size, :size]
    inside = (yy - size / 2 + 0.5) ** 2 + (xx - size / 2 + 0.5) ** 2 < (size / 3) ** 2
    arr = np.zeros((size, size, 4), np.uint8)
    arr[inside] = (*color, 255)
    return Image.fromarray(arr, "RGBA")


@pytest.mark.parametrize("method", ["lanczos", "bicubic"])
def test_resamplers_scale_and_keep_alpha(method):
    out = upscale(disc(), scale=4, method=method)
    assert out.mode == "RGBA" and out.size == (64, 64)
    a = np.asarray(out)[..., 3]
    assert a[0, 0] == 0 and a[32, 32] == 255


@needs_ncnn
@pytest.mark.parametrize("method,scale", [("animevideov3", 2), ("animevideov3", 4), ("x4plus", 4)])
def test_esrgan_shape_alpha_and_colour(method, scale):
    out = upscale(disc(), scale=scale, method=method)
    arr = np.asarray(out)
    assert out.size == (16 * scale, 16 * scale)
    assert arr[0, 0, 3] == 0 and arr[8 * scale, 8 * scale, 3] == 255
    inside = arr[..., 3] > 250
    r, g, b = arr[inside][:, :3].mean(axis=0)
    assert r > 150 and g < 80 and b < 80  # still red; no black halo pulled in at the edge
    edge = (arr[..., 3] > 30) & (arr[..., 3] < 220)
    assert arr[edge][:, 0].mean() > 150  # semi-transparent edge pixels keep the object's colour


@needs_ncnn
def test_alpha_through_net_is_a_mask():
    out = np.asarray(upscale(disc(), scale=4, method="animevideov3", alpha="net"))
    assert out[0, 0, 3] < 10 and out[32, 32, 3] > 245


def test_auto_resolves_to_a_real_method():
    assert resolve_method("auto", 4) in ({"x4plus"} if ncnn_available() else {"lanczos"})
    assert resolve_method("auto", 2) in {"animevideov3", "lanczos"}


@pytest.mark.parametrize(
    "kwargs", [{"method": "waifu"}, {"scale": 5}, {"method": "x4plus", "scale": 2}, {"alpha": "nearest"}]
)
def test_refuses_bad_arguments(kwargs):
    if kwargs.get("method") == "x4plus" and not ncnn_available():
        pytest.skip("ncnn not installed")
    with pytest.raises(InvalidInputError):
        upscale(disc(), **kwargs)


def test_refuses_non_images_and_huge_images():
    with pytest.raises(InvalidInputError):
        upscale(np.zeros((8, 8, 4), np.uint8))
    with pytest.raises(InvalidInputError):
        upscale(Image.new("RGBA", (2000, 10)))


def test_rgb_input_becomes_opaque_rgba():
    out = upscale(Image.new("RGB", (8, 8), (0, 128, 255)), scale=2, method="lanczos")
    assert out.mode == "RGBA" and np.asarray(out)[..., 3].min() == 255


def test_bleed_fills_transparent_pixels_with_object_colour():
    rgb = np.zeros((20, 20, 3), np.float32)
    alpha = np.zeros((20, 20), np.float32)
    rgb[5:10, 5:10] = (0.0, 1.0, 0.0)
    alpha[5:10, 5:10] = 1.0
    out = bleed_colors(rgb, alpha)
    assert np.allclose(out[0, 0], (0.0, 1.0, 0.0), atol=1e-5)
    assert np.allclose(out[19, 19], (0.0, 1.0, 0.0), atol=1e-5)
    assert np.array_equal(out[5:10, 5:10], rgb[5:10, 5:10])


def test_bleed_leaves_blank_images_alone():
    rgb = np.full((4, 4, 3), 0.5, np.float32)
    assert np.array_equal(bleed_colors(rgb, np.zeros((4, 4), np.float32)), rgb)
