"""Super-resolution of generated visuals: Real-ESRGAN through ncnn on the CPU, Lanczos fallback."""

from adcraft.upscale.core import ALPHA_METHODS, METHODS, resolve_method, upscale
from adcraft.upscale.esrgan import ESRGAN_MODELS, ncnn_available

__all__ = ["ALPHA_METHODS", "ESRGAN_MODELS", "METHODS", "ncnn_available", "resolve_method", "upscale"]
