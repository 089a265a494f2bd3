import dataclasses
import json

import pytest

from adcraft.errors import CheckpointError, InvalidInputError
from adcraft.evaluation.concepts import (
    ConceptIndex,
    build_concept_embeddings,
    concept_label,
    nearest_concepts,
    save_concept_embeddings,
)
from adcraft.text.encoder import load_encoder

CONCEPTS = [
    {"id": "1f457", "label_en": "dress", "label_zh": "连衣裙"},
    {"id": "1f4bb", "label_en": "laptop", "label_zh": "笔记本电脑"},
    {"id": "1f34c", "label_en": "banana", "label_zh": "香蕉"},
    {"id": "1f45f", "label_en": "running shoe", "label_zh": "跑鞋"},
]


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    encoder = load_encoder()
    directory = tmp_path_factory.mktemp("evaluator")
    (directory / "concepts.json").write_text(json.dumps(CONCEPTS, ensure_ascii=False), encoding="utf-8")
    save_concept_embeddings(directory, build_concept_embeddings(CONCEPTS, encoder), encoder)
    return ConceptIndex.load(directory, encoder)


@pytest.mark.parametrize(
    "prompt,expected",
    [
        ("2026夏季新款法式碎花连衣裙女收腰显瘦", "dress / 连衣裙"),
        ("Men's Breathable Lightweight Running Shoes", "running shoe / 跑鞋"),
        ("轻薄便携14英寸笔记本电脑", "laptop / 笔记本电脑"),
        ("Fresh Organic Bananas 1kg", "banana / 香蕉"),
    ],
)
def test_nearest_concept_of_shop_titles(index, prompt, expected):
    result = nearest_concepts(prompt, k=3, index=index)
    assert len(result) == 3 and result[0][0] == expected
    sims = [s for _, s in result]
    assert sims == sorted(sims, reverse=True) and all(-1 <= s <= 1 for s in sims)


def test_off_topic_prompt_is_less_similar_than_an_on_topic_one(index):
    on = index.nearest(["red summer dress"], k=1)[0][0][1]
    off = index.nearest(["quantum chromodynamics lecture notes"], k=1)[0][0][1]
    assert off < on


def test_nearest_refuses_bad_k_and_empty_prompt(index):
    with pytest.raises(InvalidInputError):
        index.nearest(["dress"], k=0)
    with pytest.raises(InvalidInputError):
        nearest_concepts("   ", index=index)


def test_load_refuses_a_directory_without_index(tmp_path):
    with pytest.raises(CheckpointError):
        ConceptIndex.load(tmp_path, encoder=object())


@dataclasses.dataclass
class OtherEncoder:
    """Stands in for another text model: only its name and dimension are read before encoding."""

    name: str = "another-encoder"
    dim: int = 384


def test_index_refuses_an_encoder_it_was_not_embedded_with(index, tmp_path):
    (tmp_path / "concepts.json").write_text(json.dumps(CONCEPTS), encoding="utf-8")
    save_concept_embeddings(tmp_path, build_concept_embeddings(CONCEPTS, index.encoder), index.encoder)
    with pytest.raises(CheckpointError, match="embedded with multilingual-e5-small, not another-encoder"):
        ConceptIndex.load(tmp_path, encoder=OtherEncoder(dim=index.encoder.dim))


def test_index_for_reuses_a_matching_encoder_and_falls_back_otherwise():
    from adcraft.evaluation.concepts import index_for, shipped_index

    encoder = load_encoder()
    assert index_for(encoder).encoder is encoder
    assert index_for(OtherEncoder()) is shipped_index()
    assert index_for(OtherEncoder(name=encoder.name, dim=64)) is shipped_index()  # another dimension


def test_concept_label_falls_back_to_id():
    assert concept_label({"id": "x1"}) == "x1"
    assert concept_label({"id": "x", "label_en": "cup", "label_zh": ""}) == "cup"


def test_shipped_index_knows_shop_titles_and_flags_foreign_prompts():
    from adcraft.evaluation.concepts import shipped_index
    from adcraft.evaluation.prompts import load_prompts

    index = shipped_index()
    titles = [p.prompt for p in load_prompts()]
    report = index.familiarity(titles)
    assert sum(f.familiar for f in report) >= 0.95 * len(titles)
    foreign = index.familiarity(["天气预报明天有雨", "the history of the Roman empire", "股票市场今日大跌"])
    assert not any(f.familiar for f in foreign)
    assert all(f.warning() and "far from every product" in f.warning() for f in foreign)
    assert all(f.warning() is None for f in report if f.familiar)
