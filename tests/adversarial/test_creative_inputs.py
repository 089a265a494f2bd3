"""Inputs that used to give silent wrong output with QA "pass": odd photos, undrawable text, blank visuals."""

from __future__ import annotations

import os

import numpy as np
import pytest
import torch
from PIL import Image, ImageDraw

from adcraft.creative.compose import ComposeConfig, CreativeComposer
from adcraft.creative.layout import Content, make_layout
from adcraft.creative.palette import PALETTES
from adcraft.creative.photo import BackgroundRemover, open_image
from adcraft.creative.placements import PLACEMENTS
from adcraft.creative.quality import QAThresholds, check_rendered
from adcraft.creative.render import CreativeTexts, render_creative
from adcraft.errors import CheckpointError, InvalidInputError
from adcraft.fileio import write_bytes_atomic

NO_OCR = QAThresholds(ocr=False)
TEXTS = CreativeTexts(headline="Linen shirt", price="¥199", cta="Shop now")


def render(visual, texts=TEXTS):
    layout = make_layout(PLACEMENTS["800x800"], "hero", Content(price=True))
    return render_creative(layout, PALETTES["clean"], visual, texts)


def product_visual():
    image = Image.new("RGBA", (200, 160), (0, 0, 0, 0))
    d = ImageDraw.Draw(image)
    d.ellipse([10, 10, 190, 150], fill=(200, 40, 60, 255))
    d.rectangle([60, 50, 140, 110], fill=(30, 90, 200, 255))
    return image


def test_a_normal_product_passes_the_new_checks():
    report = check_rendered(render(product_visual()), NO_OCR)
    assert report.passed, report.failures


def test_16_bit_grey_png_keeps_its_tones(tmp_path):
    ramp = np.tile(np.linspace(0, 65535, 256), (64, 1)).astype(np.uint16)  # (64, 256) dark -> light
    Image.fromarray(ramp).save(tmp_path / "g16.png")
    image = open_image(tmp_path / "g16.png")
    grey = np.asarray(image.convert("L"), dtype=np.float64)
    assert image.mode == "L" and grey[:, 0].max() <= 1 and grey[:, -1].min() >= 254
    assert abs(grey.mean() - 127.5) < 2  # was clipped to white (mean ~254): the product vanished


def test_jpeg_exif_rotation_is_applied(tmp_path):
    image = Image.new("RGB", (200, 100), "white")
    ImageDraw.Draw(image).rectangle([0, 0, 49, 99], fill="black")  # dark band on the stored left
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90 degrees clockwise to display
    image.save(tmp_path / "r.jpg", exif=exif.tobytes())
    shown = open_image(tmp_path / "r.jpg")
    assert shown.size == (100, 200)  # upright, not sideways
    top = np.asarray(shown.convert("L"))[:50].mean()
    assert top < 40  # the stored left edge is the top once rotated clockwise


def test_fully_transparent_photo_is_refused():
    clear = Image.new("RGBA", (120, 120), (255, 0, 0, 0))
    with pytest.raises(InvalidInputError, match="photo is fully transparent"):
        BackgroundRemover().cut_out(clear)


def test_qa_fails_an_empty_product():
    report = check_rendered(render(Image.new("RGBA", (200, 160), (0, 0, 0, 0))), NO_OCR)
    assert not report.passed and any(f.startswith("product is missing or empty") for f in report.failures)


def test_qa_fails_a_blank_flat_visual():
    report = check_rendered(render(Image.new("RGBA", (200, 160), (0, 0, 0, 255))), NO_OCR)
    assert not report.passed and any(f.startswith("product visual is blank") for f in report.failures)


@pytest.mark.parametrize("text", ["Linen\x07shirt", "Linen\x1bshirt", "Linen\x7fshirt"])
def test_qa_fails_text_drawn_as_tofu_and_compose_refuses_it(text):
    texts = CreativeTexts(headline=text, price="¥199", cta="Shop now")
    report = check_rendered(render(product_visual(), texts), NO_OCR)
    assert any(f.startswith("headline has characters the font cannot draw") for f in report.failures)
    with pytest.raises(InvalidInputError, match="headline has characters the font cannot draw"):
        CreativeComposer(ComposeConfig(thresholds=NO_OCR)).compose("800x800", product_visual(), texts)


def test_checkpoint_with_nan_weights_is_refused(tmp_path):
    from adcraft.diffusion.checkpoint import load_unet, save_checkpoint
    from adcraft.diffusion.schedule import ScheduleConfig
    from adcraft.diffusion.unet import UNET_PRESETS, ConditionalUNet

    model = ConditionalUNet(UNET_PRESETS["tiny"])
    with torch.no_grad():
        next(model.parameters()).fill_(float("nan"))
    path = save_checkpoint(tmp_path / "nan", model, ScheduleConfig(), {"name": "x", "version": "1", "dim": 8})
    with pytest.raises(CheckpointError, match=r"non-finite \(NaN or inf\) weights"):
        load_unet(path)


def test_qa_fails_every_creative_of_a_pipeline_gone_nan():
    from adcraft.diffusion.pipeline import TextToImagePipeline
    from adcraft.generate import generate_creatives

    pipeline = TextToImagePipeline.tiny_random(seed=0)
    with torch.no_grad():
        for parameter in pipeline.unet.parameters():
            parameter.fill_(float("nan"))
    composer = CreativeComposer(ComposeConfig(max_attempts=1, thresholds=NO_OCR))
    creatives = generate_creatives(
        {"title": "Linen shirt", "price": "199"},
        ["300x250"],
        pipeline=pipeline,
        steps=1,
        composer=composer,
    )
    assert creatives and all(not c.qa.passed for c in creatives)
    assert all(any("product is missing or empty" in f for f in c.qa.failures) for c in creatives)


@pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_output_files_respect_the_umask(tmp_path, umask, mode):
    old = os.umask(umask)
    try:
        path = write_bytes_atomic(tmp_path / "f.png", b"x")
    finally:
        os.umask(old)
    assert path.stat().st_mode & 0o777 == mode  # was 0600 whatever the umask
