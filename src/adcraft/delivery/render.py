"""`adcraft render`: re-render a creative from its (edited) layout file and run the composer's QA on it."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from adcraft.delivery.spec import load_spec
from adcraft.fileio import write_bytes_atomic


@dataclass
class RenderResult:
    """What a re-render wrote and what QA found."""

    files: list[Path] = field(default_factory=list)
    qa: dict[str, Any] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)  # QA failures and blocking copy-law hits


def copy_failures(texts: dict[str, str]) -> list[str]:
    """Blocking advertising-law hits in the edited texts (every language's rules)."""
    from adcraft.creative.compliance import check_compliance

    out = []
    for name, text in texts.items():
        report = check_compliance(text)
        if report.blocking:
            out.append(f"{name} breaks advertising rules: {[h.term for h in report.hits]}")
    return out


def render_layout_file(
    layout: str | Path, out: Path, fmt: str, svg: bool = False, reader: Any = None
) -> RenderResult:
    """Validate and render the layout file, run QA (layout, contrast, OCR, copy law), write the image
    (with its XMP content label) and optionally the layered SVG."""
    from adcraft import __version__
    from adcraft.creative.aigc import ContentLabel
    from adcraft.creative.export import encode_image
    from adcraft.creative.quality import TextReader, check_rendered

    spec = load_spec(layout)  # everything is validated before anything is written
    rendered = spec.render()
    report = check_rendered(rendered, reader=reader or TextReader())
    result = RenderResult(qa=report.to_dict(), failures=list(report.failures))
    result.failures += copy_failures(spec.texts.by_element())
    read = " ".join(r["read"] for r in report.ocr.values())
    if read:
        result.failures += [f"OCR read-back: {f}" for f in copy_failures({"ocr": read})]
    label = ContentLabel(spec.source, f"adcraft {__version__}", spec.model_id, "", spec.label or "")
    write_bytes_atomic(out, encode_image(rendered.image, fmt, label=label))
    result.files.append(out)
    if svg:
        from adcraft.delivery.layers import split_layers
        from adcraft.delivery.svg import creative_svg

        svg_path = out.with_suffix(".svg")
        write_bytes_atomic(svg_path, creative_svg(spec, split_layers(spec)).encode("utf-8"))
        result.files.append(svg_path)
    return result
