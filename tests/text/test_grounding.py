"""Prompt grounding: shop titles that name a known concept are read as training-style captions."""

from __future__ import annotations

import pytest

from adcraft.errors import CheckpointError
from adcraft.text.grounding import VOCABULARY_FILE, Vocabulary, VocabularyEntry

ENTRIES = [VocabularyEntry("dress", "连衣裙", "dress"), VocabularyEntry("shoe", "跑鞋", "running shoe"),
           VocabularyEntry("apple", "红苹果", "red apple"), VocabularyEntry("bag", "手提包", "handbag"),
           VocabularyEntry("case", "公文包", "briefcase"), VocabularyEntry("sugar", "糖", "candy"),
           VocabularyEntry("tie", "领带", "tie")]


@pytest.fixture
def vocab():
    return Vocabulary(ENTRIES)


@pytest.mark.parametrize("prompt, caption, concept", [
    ("2026夏季新款法式红色碎花连衣裙女收腰显瘦", "红色连衣裙", "dress"),  # the colour is kept, in zh
    ("Women's Blue Wrap Midi Dresses Summer", "blue dress", "dress"),  # plural, case-insensitive
    ("Men's Breathable Lightweight Running Shoes", "running shoe", "shoe"),  # the longest label wins
    ("Men's Red Leather Oxford Dress Shoes", "red dress", "dress"),  # a known miss: "shoe" is not a label
    ("红色公文包男士商务手提包", "红色手提包", "bag"),  # equal length: the last one, the head noun
    ("red apple", "red apple", "apple"),  # the label names its colour: not "red red apple"
    ("Skinny Tie Set for Men", "tie", "tie"),
])
def test_titles_naming_a_label_become_training_captions(vocab, prompt, caption, concept):
    g = vocab.ground(prompt)
    assert (g.caption, g.concept, g.prompt) == (caption, concept, prompt)


@pytest.mark.parametrize("prompt", ["阿克苏冰糖心脆甜多汁", "tiepin", "stories of the sea", "asdfghjkl", "Unisex Trucker Hat"])
def test_titles_without_a_whole_label_pass_through(vocab, prompt):
    g = vocab.ground(prompt)  # one-character zh labels and parts of words do not count
    assert (g.caption, g.concept, g.term) == (prompt, None, None)


def test_vocabulary_round_trips_and_bad_files_are_checkpoint_errors(vocab, tmp_path):
    path = vocab.save(tmp_path)
    assert path.name == VOCABULARY_FILE and Vocabulary.load(tmp_path).entries == ENTRIES
    assert Vocabulary.load(tmp_path / "nothing-here") is None
    path.write_text('{"concepts": [{"id": 1}]}', encoding="utf-8")
    with pytest.raises(CheckpointError, match="not a valid vocabulary"):
        Vocabulary.load(tmp_path)


def test_from_records_keeps_one_entry_per_labelled_concept():
    from adcraft.data.dataset import ImageRecord

    records = [ImageRecord("a.png", ["x"], "dress", "dress", "连衣裙"), ImageRecord("b.png", ["x"], "dress", "dress", "连衣裙"),
               ImageRecord("c.png", ["x"], "", "", ""), ImageRecord("d.png", ["x"], "blob")]
    assert Vocabulary.from_records(records).entries == [VocabularyEntry("dress", "连衣裙", "dress")]


def test_grounding_counts_matched_and_correct(vocab):
    from adcraft.text.grounding import grounding_counts

    titles = ["红色连衣裙女", "Men's Red Leather Oxford Dress Shoes", "asdfghjkl"]
    counts = grounding_counts([vocab.ground(t) for t in titles], ["dress", "shoe", "dress"])
    assert counts == {"matched": 2, "correct": 1}  # the oxford shoes are read as a dress; the last matches nothing
    with pytest.raises(ValueError):
        grounding_counts([vocab.ground(titles[0])], [])
