"""Check a folder of creatives against a network profile: size, bytes, format, animation, marketplace
image rules and text in safe zones."""

from __future__ import annotations

import json
import re
import zipfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from PIL import Image

from adcraft.creative.layout import Box, safe_area
from adcraft.creative.placements import Placement
from adcraft.delivery.mainimage import product_fill, white_share
from adcraft.delivery.networks import NetworkProfile
from adcraft.errors import InvalidInputError

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".webp", ".gif"}
SKIPPED = (".visual.png", ".logo.png")  # layout-file companions, not deliverables
PIL_FORMATS = {"PNG": "png", "JPEG": "jpeg", "WEBP": "webp", "GIF": "gif"}
MIN_WHITE_SHARE = 0.98  # share of the frame's outer band that must be pure white on white-background networks
FPS_TOLERANCE = 1.05  # frame durations are whole milliseconds (5 fps = 200 ms)
MANIFEST_NAME = "manifest.json"
_AD_SIZE = re.compile(r'<meta name="ad\.size" content="width=(\d+),height=(\d+)">')


@dataclass
class Check:
    """One rule checked on one file."""

    file: str  # file name
    check: str  # "size", "bytes", "format", "white_background", "product_fill", "text", "safe_zone", ...
    value: Any  # what was measured
    limit: Any  # what the network allows
    passed: bool

    def to_dict(self) -> dict[str, Any]:
        """Plain data."""
        return asdict(self)


def _entries_by_file(folder: Path) -> dict[str, dict]:
    """The delivery manifest's entry (texts, QA) per file name, when the folder has a manifest."""
    path = folder / MANIFEST_NAME
    if not path.is_file():
        return {}
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return {}
    out: dict[str, dict] = {}
    for entry in manifest.get("creatives", []):
        for name in entry.get("files", []):
            qa = entry.get("motion", {}).get(name, {}).get("qa") or entry.get("qa")
            out[name] = {"texts": entry.get("texts", []), "qa": qa}
    return out


def _animation_checks(name: str, image: Image.Image, profile: NetworkProfile) -> list[Check]:
    durations = []
    for i in range(image.n_frames):
        image.seek(i)
        durations.append(int(image.info.get("duration", 100)))
    loop = image.info.get("loop")
    plays = 0 if loop == 0 else (1 if loop is None else loop + (1 if image.format == "GIF" else 0))
    anim = profile.animation
    if anim is None:
        return [Check(name, "animation", "animated", "static images only", False)]
    fps = 1000.0 / max(1, min(durations))
    total = float("inf") if plays == 0 else sum(durations) * plays / 1000.0
    checks = [Check(name, "fps", round(fps, 2), anim.max_fps, fps <= anim.max_fps * FPS_TOLERANCE)]
    if anim.loop != 0:  # the network wants animations to stop
        checks.append(Check(name, "play_seconds", total, anim.max_seconds, total <= anim.max_seconds))
    return checks


def _text_checks(name: str, size: tuple[int, int], texts: list[dict], profile: NetworkProfile) -> list[Check]:
    checks = []
    if not profile.text:
        shown = [t["element"] for t in texts]
        checks.append(Check(name, "text", shown or "none", "no text", not shown))
    if any(profile.safe_zone):
        area = safe_area(Placement("check", *size), profile.safe_zone)
        outside = []
        for t in texts:
            b = Box(*t["box"])
            if b.x < area.x or b.y < area.y or b.right > area.right or b.bottom > area.bottom:
                outside.append(t["element"])
        checks.append(Check(name, "safe_zone", outside or "all inside", area.to_list(), not outside))
    return checks


def check_image(path: Path, profile: NetworkProfile, texts: list[dict] | None = None) -> list[Check]:
    """Every rule of the profile checked on one image file; texts are its manifest text boxes, if known."""
    name = path.name
    size_bytes = path.stat().st_size
    try:
        image = Image.open(path)
        image.load()
    except OSError:
        return [Check(name, "readable", "not an image", "an image file", False)]
    fmt = PIL_FORMATS.get(image.format or "", str(image.format).lower())
    animated = getattr(image, "n_frames", 1) > 1
    allowed = (profile.animation.formats if profile.animation else ()) if animated else profile.formats
    w, h = image.size
    limit = profile.byte_limit(w, h)
    checks = [
        Check(name, "format", fmt + (" (animated)" if animated else ""), list(allowed), fmt in allowed),
        Check(name, "size", f"{w}x{h}", profile.min_long_side or "listed sizes", profile.accepts_size(w, h)),
        Check(name, "bytes", size_bytes, limit, size_bytes <= limit),
    ]
    if animated:
        checks += _animation_checks(name, image, profile)
        image.seek(0)
    if profile.background == "white":
        share = white_share(image)
        checks.append(
            Check(name, "white_background", round(share, 4), MIN_WHITE_SHARE, share >= MIN_WHITE_SHARE)
        )
    if profile.min_product_fill:
        fill = product_fill(image)
        checks.append(
            Check(
                name,
                "product_fill",
                round(fill, 3),
                profile.min_product_fill,
                fill >= profile.min_product_fill,
            )
        )
    if texts is not None:
        checks += _text_checks(name, (w, h), texts, profile)
    elif not profile.text:  # no manifest: OCR looks for any text at all
        from adcraft.creative.quality import TextReader

        read = TextReader().read(image)
        checks.append(Check(name, "text", read or "none", "no text", not read))
    return checks


def check_html5(path: Path, profile: NetworkProfile) -> list[Check]:
    """An HTML5 zip: bytes, file count, and an ad.size meta tag of an accepted size."""
    name = path.name
    if profile.html5 is None:
        return [Check(name, "html5", "zip", "no HTML5 ads", False)]
    size_bytes = path.stat().st_size
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
            index = archive.read("index.html").decode("utf-8") if "index.html" in names else ""
    except (zipfile.BadZipFile, OSError):
        return [Check(name, "readable", "not a zip", "an HTML5 zip", False)]
    match = _AD_SIZE.search(index)
    ad_size = (int(match.group(1)), int(match.group(2))) if match else None
    return [
        Check(name, "bytes", size_bytes, profile.html5.max_bytes, size_bytes <= profile.html5.max_bytes),
        Check(name, "files", len(names), profile.html5.max_files, len(names) <= profile.html5.max_files),
        Check(
            name,
            "ad_size",
            ad_size and f"{ad_size[0]}x{ad_size[1]}",
            "an accepted size",
            bool(ad_size) and profile.accepts_size(*ad_size),
        ),
    ]


def validate_folder(folder: str | Path, profile: NetworkProfile) -> list[Check]:
    """Check every creative file in folder (images, animations, HTML5 zips) against the profile."""
    folder = Path(folder)
    if not folder.is_dir():
        raise InvalidInputError(f"folder {str(folder)!r} does not exist or is not a folder")
    entries = _entries_by_file(folder)
    checks: list[Check] = []
    files = sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))
    for path in files:
        suffix = path.suffix.lower()
        if suffix in IMAGE_SUFFIXES and not path.name.endswith(SKIPPED):
            entry = entries.get(path.name)
            checks += check_image(path, profile, entry["texts"] if entry else None)
            if entry and entry["qa"] is not None:  # the composer's QA verdict (OCR, contrast, layout)
                failures = entry["qa"].get("failures", [])
                checks.append(Check(path.name, "qa", "; ".join(failures) or "passed", "passed", not failures))
        elif suffix == ".zip":
            checks += check_html5(path, profile)
    if not checks:
        raise InvalidInputError(f"folder {str(folder)!r} has no creatives (png, jpg, webp, gif or zip files)")
    return checks
