"""GET /v1/options: what the web UI's form offers comes from segments.yaml and the placement table."""

from adcraft.creative.placements import PLACEMENTS
from adcraft.personalize.segments import load_segments


def test_options_list_segment_labels_every_placement_and_the_custom_range(make_client):
    body = make_client().get("/v1/options").json()
    segments = {s["name"]: s for s in body["segments"]}
    assert segments.keys() == load_segments().keys()
    assert segments["students_budget"] == {
        "name": "students_budget",
        "label_zh": "精打细算的学生",
        "label_en": "Students on a budget",
    }
    sizes = {(p["name"], p["width"], p["height"]) for p in body["placements"]}
    assert ("feed-portrait", 1080, 1350) in sizes and ("product-square", 800, 800) in sizes
    assert len(sizes) == len(PLACEMENTS)
    themes = {t["name"]: (t["label_zh"], t["label_en"]) for t in body["themes"]}
    assert themes["双11"] == ("双11狂欢", "11.11 Singles' Day")
    assert body["custom_size"] == {"min_side": 100, "max_side": 4096}


def test_options_need_the_api_key_when_one_is_set(make_client):
    client = make_client(api_key="k" * 16)
    assert client.get("/v1/options").status_code == 401
    assert client.get("/v1/options", headers={"X-API-Key": "k" * 16}).status_code == 200
