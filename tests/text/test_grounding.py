"""Prompt grounding: shop titles that name a known concept are read as training-style captions."""

from __future__ import annotations

import pytest

from adcraft.errors import CheckpointError
from adcraft.text.grounding import VOCABULARY_FILE, Vocabulary, VocabularyEntry

ENTRIES = [
    VocabularyEntry("dress", "连衣裙", "dress"),
    VocabularyEntry("shoe", "跑鞋", "running shoe"),
    VocabularyEntry("apple", "红苹果", "red apple"),
    VocabularyEntry("bag", "手提包", "handbag"),
    VocabularyEntry("case", "公文包", "briefcase"),
    VocabularyEntry("sugar", "糖", "candy"),
    VocabularyEntry("tie", "领带", "tie"),
]


@pytest.fixture
def vocab():
    return Vocabulary(ENTRIES)


@pytest.mark.parametrize(
    "prompt, caption, concept",
    [
        ("2026夏季新款法式红色碎花连衣裙女收腰显瘦", "红色连衣裙", "dress"),  # the colour is kept, in zh
        ("Women's Blue Wrap Midi Dresses Summer", "blue dress", "dress"),  # plural, case-insensitive
        ("Men's Breathable Lightweight Running Shoes", "running shoe", "shoe"),  # the longest label wins
        ("Men's Red Leather Oxford Dress Shoes", "red dress", "dress"),  # a known miss: "shoe" is not a label
        ("红色公文包男士商务手提包", "红色手提包", "bag"),  # equal length: the last one, the head noun
        ("red apple", "red apple", "apple"),  # the label names its colour: not "red red apple"
        ("Skinny Tie Set for Men", "tie", "tie"),
    ],
)
def test_titles_naming_a_label_become_training_captions(vocab, prompt, caption, concept):
    g = vocab.ground(prompt)
    assert (g.caption, g.concept, g.prompt) == (caption, concept, prompt)


@pytest.mark.parametrize(
    "prompt", ["阿克苏冰糖心脆甜多汁", "tiepin", "stories of the sea", "asdfghjkl", "Unisex Trucker Hat"]
)
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

    records = [
        ImageRecord("a.png", ["x"], "dress", "dress", "连衣裙"),
        ImageRecord("b.png", ["x"], "dress", "dress", "连衣裙"),
        ImageRecord("c.png", ["x"], "", "", ""),
        ImageRecord("d.png", ["x"], "blob"),
    ]
    assert Vocabulary.from_records(records).entries == [VocabularyEntry("dress", "连衣裙", "dress")]


def test_grounding_counts_matched_and_correct(vocab):
    from adcraft.text.grounding import grounding_counts

    titles = ["红色连衣裙女", "Men's Red Leather Oxford Dress Shoes", "asdfghjkl"]
    counts = grounding_counts([vocab.ground(t) for t in titles], ["dress", "shoe", "dress"])
    assert counts == {
        "matched": 2,
        "correct": 1,
    }  # the oxford shoes are read as a dress; the last matches nothing
    with pytest.raises(ValueError):
        grounding_counts([vocab.ground(titles[0])], [])


SHOP_TERMS = {
    "shoe": {"en": ["sneaker"], "zh": ["跑步鞋"]},
    "apple": {"en": ["gala apple"], "zh": ["苹果"]},
    "unknown": {"en": ["widget"]},
}


@pytest.mark.parametrize(
    "prompt, caption, term",
    [
        (
            "Women's Cushioned Road Running Sneakers Non Slip",
            "running shoe",
            "sneaker",
        ),  # plural of a shop word
        (
            "男士蓝色透气轻便跑步鞋减震",
            "蓝色跑鞋",
            "跑步鞋",
        ),  # the caption is the training label, colour kept
        ("阿克苏冰糖心苹果脆甜多汁", "红苹果", "苹果"),
        ("Fresh Crisp Gala Apples 3 lb Bag", "red apple", "gala apple"),
        ("2026新款连衣裙", "连衣裙", "连衣裙"),  # labels still match
    ],
)
def test_shop_words_ground_to_their_concepts_training_label(prompt, caption, term):
    g = Vocabulary(ENTRIES, SHOP_TERMS).ground(prompt)
    assert (g.caption, g.term) == (caption, term)


FOOD = [
    VocabularyEntry("tomato", "西红柿", "tomato"),
    VocabularyEntry("avocado", "牛油果", "avocado"),
    VocabularyEntry("tea", "奶茶", "bubble tea"),
    VocabularyEntry("tshirt", "T恤", "t-shirt"),
    VocabularyEntry("peach", "桃子", "peach"),
    VocabularyEntry("honey", "蜂蜜", "honey pot"),
]


@pytest.mark.parametrize(
    "prompt, concept, caption",
    [
        ("Tomato Red Dress", "dress", "red dress"),  # inside a colour word: never the product
        ("番茄红连衣裙", "dress", "红色连衣裙"),
        (
            "奶茶色针织衫",
            None,
            "奶茶色针织衫",
        ),  # before 色: a colour, and nothing else named, so no product at all
        ("Peach Pink Pajamas", None, "Peach Pink Pajamas"),
        ("牛油果绿手提包", "bag", "绿色手提包"),  # before a colour word: loses to the other label
        ("Honey Yellow Handbag", "bag", "yellow handbag"),
        (
            "T恤白",
            "tshirt",
            "T恤",
        ),  # ...but counts when it is the only label (a title listing its colour after)
        (
            "连衣裙白色 送领带",
            "dress",
            "白色连衣裙",
        ),  # before 白色: a colour listed after the product, not a name
        ("牛油果 新鲜", "avocado", "牛油果"),
        ("red apple", "apple", "red apple"),  # a label that contains a colour word is still a label
    ],
)
def test_labels_used_as_colour_names_are_not_the_product(prompt, concept, caption):
    g = Vocabulary(ENTRIES + FOOD).ground(prompt)
    assert (g.concept, g.caption) == (concept, caption)


@pytest.mark.parametrize(
    "prompt, concept, caption",
    [
        (
            "Apple Watch Series 9 (PRODUCT)RED",
            None,
            "Apple Watch Series 9 (PRODUCT)RED",
        ),  # a brand, not a fruit
        ("苹果手表 运动表带", None, "苹果手表 运动表带"),
        ("Fresh Red Apple 3 lb Bag", "apple", "red apple"),  # the fruit itself still grounds
        ("Red Bull energy drink 250ml", None, "Red Bull energy drink 250ml"),
        ("Banana Republic Linen Dress", "dress", "dress"),  # the masked brand leaves the real product
        ("Champagne Gold Handbag", "bag", "gold handbag"),  # a colour name (gold family), not the drink
        (
            "Organic Apple Slices, a Snack to Share Like Apple Watch Rings",
            "apple",
            "red apple",
        ),  # the earlier apple
        ("红富士苹果 不是苹果手表", "apple", "红苹果"),
    ],
)
def test_labels_inside_brand_names_are_not_the_product(prompt, concept, caption):
    food = [
        VocabularyEntry("banana", "香蕉", "banana"),
        VocabularyEntry("cola", "红牛", "red bull"),
        VocabularyEntry("champagne", "香槟", "champagne"),
    ]
    g = Vocabulary(ENTRIES + food, {"apple": {"zh": ["苹果"], "en": ["apple"]}}).ground(prompt)
    assert (g.concept, g.caption) == (concept, caption)


def test_shop_words_of_concepts_the_model_lacks_are_ignored_and_can_be_turned_off(tmp_path):
    assert Vocabulary(ENTRIES, SHOP_TERMS).ground("Blue widget").concept is None
    Vocabulary(ENTRIES).save(tmp_path)
    assert Vocabulary.load(tmp_path, shop_terms=False).ground("阿克苏冰糖心苹果").concept is None


def test_packaged_shop_words_are_unambiguous_and_name_concepts_of_the_shipped_model():
    from adcraft.diffusion.checkpoint import resolve_checkpoint
    from adcraft.text.grounding import MIN_EN_LABEL, MIN_ZH_LABEL, load_shop_terms

    shipped = Vocabulary.load(resolve_checkpoint("default"), shop_terms=False)
    labels = {e.concept: {e.label_zh, e.label_en.lower()} for e in shipped.entries}
    owner: dict[str, str] = {}
    for concept, langs in load_shop_terms().items():
        assert concept in labels and set(langs) <= {"zh", "en"}, concept
        for term in langs.get("zh", []):
            assert len(term) >= MIN_ZH_LABEL and any("\u4e00" <= ch <= "\u9fff" for ch in term), term
        for term in langs.get("en", []):
            assert len(term) >= MIN_EN_LABEL and term == term.lower() and term.isascii(), term
        for term in [*langs.get("zh", []), *langs.get("en", [])]:
            assert owner.setdefault(term, concept) == concept, f"{term!r} under {owner[term]} and {concept}"
            assert not any(term in other for c, other in labels.items() if c != concept), term
    assert Vocabulary.load(resolve_checkpoint("default")).ground("Men's Basic Tee 3-Pack").concept == "1f455"
