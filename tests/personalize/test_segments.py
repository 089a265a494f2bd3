import copy
from pathlib import Path

import pytest
import yaml

from adcraft.errors import ConfigError, NotFoundError
from adcraft.personalize.segments import DEFAULT_SEGMENTS_PATH, get_segment, load_segments, parse_segments


def _default_doc():
    return yaml.safe_load(DEFAULT_SEGMENTS_PATH.read_text(encoding="utf-8"))


def test_default_segments_cover_the_six_audiences():
    segments = load_segments()
    assert set(segments) == {
        "young_women_fashion",
        "students_budget",
        "professionals",
        "parents",
        "seniors",
        "sporty",
    }
    students = segments["students_budget"]
    assert students.emphasis == "price" and students.price_sensitivity > 0.5
    assert segments["professionals"].label("zh") == "职场精英"
    assert "深蓝" in segments["professionals"].prompt_modifiers


def test_get_segment_unknown_names_the_known_ones():
    with pytest.raises(NotFoundError, match="unknown segment 'gamers'.*students_budget"):
        get_segment("gamers")


@pytest.mark.parametrize(
    ("field", "value", "pattern"),
    [
        ("tone", "angry", "segment 'seniors': field 'tone' is 'angry'; allowed"),
        ("price_sensitivity", "high", "field 'price_sensitivity'"),
        ("price_sensitivity", 1.5, "field 'price_sensitivity'"),
        ("interests", "tea", "field 'interests' must be a list"),
        ("palette", ["#12345"], "field 'palette'"),
        ("age_band", 60, "field 'age_band'"),
        ("colour", "red", "field 'colour' is unknown"),
        ("prompt_modifiers", ["绿色", "cute"], "'cute', which the visual model cannot draw; allowed: colour"),
    ],
)
def test_bad_fields_name_segment_and_field(field, value, pattern):
    doc = copy.deepcopy(_default_doc())
    doc["segments"]["seniors"][field] = value
    with pytest.raises(ConfigError, match=pattern):
        parse_segments(doc)


def test_missing_field_is_named(tmp_path):
    doc = _default_doc()
    del doc["segments"]["parents"]["emphasis"]
    path = tmp_path / "segs.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ConfigError, match="segment 'parents': field 'emphasis' is missing"):
        load_segments(path)


def test_palette_name_and_roundtrip():
    doc = _default_doc()
    doc["segments"]["sporty"]["palette"] = "vivid"
    segs = parse_segments(doc)
    assert segs["sporty"].palette == "vivid"
    again = parse_segments(
        {"segments": {"sporty": {k: v for k, v in segs["sporty"].to_dict().items() if k != "name"}}}
    )
    assert again["sporty"] == segs["sporty"]


def test_a_segment_colour_reaches_what_the_model_reads_unless_the_product_names_one():
    from adcraft.text.colors import find_color
    from adcraft.text.grounding import Vocabulary

    vocabulary = Vocabulary.load(Path(__file__).parents[2] / "src/adcraft/models/default")
    segments = load_segments()
    captions = {}
    for name, seg in segments.items():
        (modifier,) = seg.prompt_modifiers[:1]
        captions[name] = vocabulary.ground(f"Running shoes {modifier}").caption
        assert find_color(captions[name]) == find_color(modifier), (name, captions[name])
        assert vocabulary.ground(f"红色连衣裙 {modifier}").caption == "红色连衣裙"  # the product's red wins
    assert len(set(captions.values())) >= 5  # six segments, five colour families: pictures differ


def test_unknown_template_family_is_refused_naming_the_families():
    doc = _default_doc()
    doc["segments"]["seniors"]["template_family"] = "bogus"
    with pytest.raises(ConfigError, match="'seniors': field 'template_family' is 'bogus'; allowed: classic"):
        parse_segments(doc)


def test_a_segment_resolves_to_its_creative_style():
    seniors = get_segment("seniors")
    style = seniors.style()
    assert (style.family, style.tone, style.palette) == (
        seniors.template_family,
        seniors.tone,
        seniors.palette,
    )
    assert style.prompt_modifiers == seniors.prompt_modifiers
