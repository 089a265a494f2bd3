"""Form options: the audiences and themes (with zh/en labels) and placements a generation request may name."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["creatives"])


@router.get("/options")
def form_options() -> dict:
    """The segments and campaign themes (name, zh and en labels), the named placements and the custom
    size range, so a client such as the web UI offers what POST /v1/creatives accepts."""
    from adcraft.creative.placements import MAX_SIDE, MIN_SIDE, PLACEMENTS
    from adcraft.creative.themes import load_themes
    from adcraft.personalize.segments import load_segments

    return {
        "segments": [
            {"name": s.name, "label_zh": s.label_zh, "label_en": s.label_en} for s in load_segments().values()
        ],
        "placements": [{"name": p.name, "width": p.width, "height": p.height} for p in PLACEMENTS.values()],
        "themes": [
            {"name": t.name, "label_zh": t.title.get("zh", t.name), "label_en": t.title.get("en", t.name)}
            for t in load_themes().values()
        ],
        "custom_size": {"min_side": MIN_SIDE, "max_side": MAX_SIDE},
    }
