"""Deliver composed creatives to one ad network: files under its byte limits, animations, HTML5, SVG and
layout files, a manifest, and the network's validation run on what was written."""

from __future__ import annotations

import dataclasses
import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PIL import Image

from adcraft.delivery.encode import encode_to_budget
from adcraft.delivery.networks import NetworkProfile
from adcraft.delivery.validate import MANIFEST_NAME, Check, validate_folder
from adcraft.fileio import write_bytes_atomic

logger = logging.getLogger(__name__)

XMP_FORMATS = ("png", "jpeg", "webp")  # formats the XMP content label is written into (not GIF)


@dataclass
class NetworkDelivery:
    """What was delivered to one network and whether its validation passed."""

    network: str
    folder: Path
    entries: list[dict[str, Any]] = field(default_factory=list)  # one per creative
    checks: list[Check] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        """True when every file passed every check."""
        return all(c.passed for c in self.checks)

    def failures(self) -> list[str]:
        """One line per failed check."""
        return [f"{c.file}: {c.check} {c.value} (allowed: {c.limit})" for c in self.checks if not c.passed]


def _finisher(label: Any) -> Callable[[bytes, str], bytes]:
    """Write the XMP content label into every candidate encode (its bytes count against the budget)."""
    if label is None:
        return lambda data, fmt: data
    from adcraft.creative.aigc import embed_label

    return lambda data, fmt: embed_label(data, label) if fmt in XMP_FORMATS else data


def _write(folder: Path, name: str, data: bytes) -> str:
    write_bytes_atomic(folder / name, data)
    return name


def _final_frame_qa(data: bytes, rendered: Any, reader: Any, check_text: Callable | None) -> dict:
    """QA (contrast, layout, OCR read-back; compliance on what OCR read) on an animation's last frame."""
    from adcraft.creative.quality import check_rendered
    from adcraft.delivery.animate import last_frame

    report = check_rendered(dataclasses.replace(rendered, image=last_frame(data)), reader=reader)
    out = report.to_dict()
    read = " ".join(r["read"] for r in report.ocr.values())
    if check_text is not None and read:
        compliance = check_text(read)
        out["ocr_compliance"] = compliance.to_dict()
        if compliance.blocking:
            out["passed"] = False
            out["failures"].append("OCR text on the last frame breaks advertising rules")
    return out


def _motion(
    profile: NetworkProfile, spec: Any, base: str, folder: Path, reader: Any, check_text: Any
) -> dict:
    """Animated GIF/WebP and the HTML5 zip of one creative, each within the network's limits."""
    from adcraft.delivery.animate import animate_to_budget
    from adcraft.delivery.html5 import html5_to_budget
    from adcraft.delivery.layers import split_layers

    layers = split_layers(spec)
    out: dict[str, Any] = {}
    w, h = spec.placement.size
    anim = profile.animation
    if anim is not None:
        for fmt in anim.formats:
            label = f"{profile.name} {w}x{h}"
            encoded = animate_to_budget(
                layers, fmt, profile.byte_limit(w, h), anim.max_fps, anim.max_seconds, anim.loop, label
            )
            name = _write(folder, f"{base}_animated.{fmt}", encoded.data)
            out[name] = {
                **encoded.to_dict(),
                "qa": _final_frame_qa(encoded.data, layers.rendered, reader, check_text),
            }
    if profile.html5 is not None:
        ad = html5_to_budget(
            layers, profile.html5.max_bytes, profile.html5.max_files, f"{profile.name} {w}x{h}"
        )
        out[_write(folder, f"{base}_html5.zip", ad.data)] = ad.to_dict()
    return out


def _deliver_creative(
    profile: NetworkProfile, creative: Any, visual: Image.Image, folder: Path, slug: str, ctx: dict
) -> dict:
    from adcraft.delivery.spec import CreativeSpec
    from adcraft.delivery.svg import creative_svg

    key = creative.placement.key
    base = f"{slug}_{key}"
    label = ctx["label_for"](creative) if ctx["label_for"] else None
    encoded = encode_to_budget(
        creative.image,
        profile.byte_limit(*creative.placement.size),
        profile.formats,
        f"{profile.name} {key}",
        _finisher(label),
    )
    image_name = _write(folder, base + encoded.extension, encoded.data)
    spec = CreativeSpec.from_creative(creative, visual, ctx["logo"])
    spec.save(folder / f"{base}.layout.json")
    from adcraft.delivery.layers import split_layers

    svg_name = _write(folder, f"{base}.svg", creative_svg(spec, split_layers(spec)).encode("utf-8"))
    entry = {
        "placement": {"name": creative.placement.name, "size": list(creative.placement.size)},
        "files": [image_name],
        "encode": encoded.to_dict(),
        "texts": [t.to_dict() for t in creative.texts],
        "qa": creative.qa.to_dict(),
        "layout_file": f"{base}.layout.json",
        "svg": svg_name,
        "content_label": label.xmp() if label is not None and encoded.format in XMP_FORMATS else None,
    }
    motion = _motion(profile, spec, base, folder, ctx["reader"], ctx["check_text"])
    entry["files"] += list(motion)
    entry["motion"] = motion
    return entry


def _deliver_main_image(
    profile: NetworkProfile, visual: Image.Image, folder: Path, slug: str, ctx: dict
) -> list:
    """Marketplace main images: the product alone on white, no text (the AI label goes in the metadata)."""
    from adcraft.delivery.mainimage import render_main_image

    entries = []
    for w, h in profile.sizes:
        image = render_main_image(visual, (w, h))
        label = ctx["label_for"](None) if ctx["label_for"] else None
        encoded = encode_to_budget(
            image, profile.byte_limit(w, h), profile.formats, f"{profile.name} {w}x{h}", _finisher(label)
        )
        name = _write(folder, f"{slug}_{w}x{h}{encoded.extension}", encoded.data)
        entries.append(
            {
                "placement": {"name": profile.name, "size": [w, h]},
                "files": [name],
                "encode": encoded.to_dict(),
                "texts": [],
                "content_label": label.xmp() if label is not None and encoded.format in XMP_FORMATS else None,
            }
        )
    return entries


def deliver_network(
    profile: NetworkProfile,
    creatives: list[Any],
    visual: Image.Image,
    out_dir: str | Path,
    slug: str,
    *,
    logo: Image.Image | None = None,
    label_for: Callable[[Any], Any] | None = None,
    check_text: Callable[[str], Any] | None = None,
    reader: Any = None,
    extra: dict[str, Any] | None = None,
) -> NetworkDelivery:
    """Write everything the network takes into out_dir/<network>/ and validate it.

    creatives are composed for profile.placements() (ignored for marketplace main images, which are
    made from the visual); label_for(creative or None) gives the XMP content label; check_text(text)
    runs the advertising-law checker on what OCR reads from animation end frames.
    """
    started = time.perf_counter()
    folder = Path(out_dir) / profile.name
    folder.mkdir(parents=True, exist_ok=True)
    ctx = {"label_for": label_for, "check_text": check_text, "reader": reader, "logo": logo}
    if profile.main_image:
        entries = _deliver_main_image(profile, visual, folder, slug, ctx)
    else:
        entries = [_deliver_creative(profile, c, visual, folder, slug, ctx) for c in creatives]
    manifest = {"network": profile.to_dict(), "creatives": entries, **(extra or {})}
    _write(
        folder, MANIFEST_NAME, json.dumps(manifest, ensure_ascii=False, indent=2, default=str).encode("utf-8")
    )
    checks = validate_folder(folder, profile)
    manifest["validation"] = {
        "passed": all(c.passed for c in checks),
        "checks": [c.to_dict() for c in checks],
    }
    manifest["seconds"] = round(time.perf_counter() - started, 3)
    _write(
        folder, MANIFEST_NAME, json.dumps(manifest, ensure_ascii=False, indent=2, default=str).encode("utf-8")
    )
    return NetworkDelivery(profile.name, folder, entries, checks)
