import json
from pathlib import Path

import pytest

from adcraft.errors import DataError
from adcraft.evaluation.prompts import EvalPrompt, load_prompts, prompt_problems

DATASET = Path(__file__).resolve().parents[2] / "data" / "products"


@pytest.fixture(scope="module")
def shipped():
    return load_prompts()


def test_shipped_set_size_languages_and_colours(shipped):
    assert len(shipped) >= 200
    assert len({p.concept for p in shipped}) >= 50
    zh = sum(p.lang == "zh" for p in shipped)
    assert abs(zh - (len(shipped) - zh)) <= len(shipped) * 0.05  # half and half
    assert sum(p.color is not None for p in shipped) >= len(shipped) / 3
    assert len({p.prompt for p in shipped}) == len(shipped)  # no duplicates


def test_shipped_prompts_are_in_their_declared_language(shipped):
    for p in shipped:
        has_han = any("\u4e00" <= ch <= "\u9fff" for ch in p.prompt)
        assert has_han == (p.lang == "zh"), p.prompt


def test_coloured_concepts_are_the_same_concepts_the_set_uses_without_colour(shipped):
    coloured = {p.concept for p in shipped if p.color}
    plain = {p.concept for p in shipped if not p.color}
    assert coloured <= plain  # every coloured concept is also asked for without a colour


@pytest.fixture(scope="module")
def product_dataset(tmp_path_factory):
    """The product dataset: the one `make train-default` built, or a fresh 3D build (a clean clone, CI)."""
    if (DATASET / "captions.jsonl").is_file():
        return DATASET
    from adcraft.data.products import build_products

    out = tmp_path_factory.mktemp("products")
    build_products(out, styles=("3d",))  # other styles add no concept, only captions with a style word
    return out


def test_shipped_set_matches_the_product_dataset(shipped, product_dataset):
    from adcraft.data.dataset import read_dataset
    from adcraft.evaluation.train import concept_table

    records = read_dataset(product_dataset)
    captions = {c for r in records for c in r.captions}
    assert prompt_problems(shipped, concept_table(records), captions) == []


def test_shop_set_matches_the_product_dataset_and_covers_every_colour_family(product_dataset):
    from collections import Counter

    from adcraft.data.dataset import read_dataset
    from adcraft.evaluation.prompts import SHOP_PROMPTS_FILE
    from adcraft.evaluation.train import concept_table
    from adcraft.text.colors import COLOR_FAMILIES, find_color

    shop = load_prompts(SHOP_PROMPTS_FILE)
    records = read_dataset(product_dataset)
    assert prompt_problems(shop, concept_table(records), {c for r in records for c in r.captions}) == []
    assert all(find_color(p.prompt) == p.color for p in shop)  # the label is what the title says
    per = Counter((p.color, p.lang) for p in shop)
    for family in [*COLOR_FAMILIES, None]:
        assert per[family, "zh"] >= 5 and per[family, "en"] >= 5, family  # issue 20: >= 10 per family


def test_prompt_problems_finds_unknown_concepts_colours_and_training_captions():
    concepts = [{"id": "a", "colors": ["red"]}, {"id": "b", "colors": []}]
    prompts = [
        EvalPrompt("Red A", "en", "a", "red"),
        EvalPrompt("blue a", "en", "a", "blue"),
        EvalPrompt("blue b", "en", "b", "blue"),
        EvalPrompt("x", "en", "zzz"),
        EvalPrompt("a red thing", "en", "a", "red"),
    ]
    problems = prompt_problems(prompts, concepts, {"A Red Thing"})
    assert len(problems) == 3
    assert "never recolours" in problems[0] and "zzz" in problems[1] and "training caption" in problems[2]


BAD_LINES = [
    '{"prompt": "x", "lang": "fr", "concept": "a"}',
    '{"prompt": "", "lang": "en", "concept": "a"}',
    '{"lang": "en", "concept": "a"}',
    "not json",
]


@pytest.mark.parametrize("line", BAD_LINES)
def test_load_prompts_refuses_bad_lines(tmp_path, line):
    path = tmp_path / "p.jsonl"
    path.write_text(
        json.dumps({"prompt": "ok", "lang": "en", "concept": "a", "color": None}) + "\n" + line,
        encoding="utf-8",
    )
    with pytest.raises(DataError, match=":2:"):
        load_prompts(path)


def test_load_prompts_refuses_missing_file(tmp_path):
    with pytest.raises(DataError):
        load_prompts(tmp_path / "none.jsonl")


def test_spread_subset_keeps_the_mix():
    from adcraft.evaluation.breakdowns import spread_subset

    assert spread_subset(list(range(10)), 5) == [0, 2, 4, 6, 8] and spread_subset([1, 2], 5) == [1, 2]
