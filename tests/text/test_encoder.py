"""Semantic encoders: the real multilingual encoder, a local transformers model, and the cache."""

from __future__ import annotations

import numpy as np
import pytest

from adcraft.errors import InvalidInputError
from adcraft.text.cache import CachedEncoder
from adcraft.text.encoder import TextEncoder, TransformersEncoder, check_texts, load_encoder

PAIRS = [  # (Chinese product text, its English translation)
    ("法式碎花连衣裙女夏季收腰显瘦", "French floral dress for women, summer, slim waist"),
    ("男士透气轻便跑步鞋", "Men's breathable lightweight running shoes"),
    ("无线蓝牙降噪耳机", "Wireless Bluetooth noise-cancelling headphones"),
    ("不锈钢保温杯500毫升", "Stainless steel insulated cup 500 ml"),
    ("真皮女士手提包", "Genuine leather women's handbag"),
    ("14英寸轻薄笔记本电脑", "14-inch thin and light laptop"),
    ("哑光持久口红", "Matte long-lasting lipstick"),
    ("新鲜红富士苹果5斤装", "Fresh Red Fuji apples, 2.5 kg box"),
    ("儿童益智积木玩具", "Educational building blocks toy for kids"),
    ("专业篮球室外耐磨", "Professional outdoor wear-resistant basketball"),
]


def test_real_encoder_matches_translations_closer_than_other_products(encoder):
    assert isinstance(encoder, TextEncoder)
    zh = encoder.encode([p[0] for p in PAIRS])
    en = encoder.encode([p[1] for p in PAIRS])
    assert zh.shape == (len(PAIRS), 384) and zh.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(zh, axis=1), 1.0, atol=1e-5)
    sims = zh @ en.T  # (10, 10)
    correct = sum(sims[i, i] > np.delete(sims[i], i).max() for i in range(len(PAIRS)))
    assert correct >= 9, sims.round(3)


@pytest.mark.parametrize(
    "texts, message",
    [
        ([""], "text 0 is empty"),
        (["ok", " \t"], "text 1 is empty"),
        (["x" * 513], "513 characters; at most 512"),
        ("one string", "must be a list"),
    ],
)
def test_bad_texts_are_refused(texts, message):
    with pytest.raises(InvalidInputError, match=message):
        check_texts(texts)


def test_unknown_encoder_spec_is_refused():
    with pytest.raises(InvalidInputError, match="must be 'e5-small', a local model directory or cache:PATH"):
        load_encoder("no-such-encoder")


@pytest.fixture(scope="module")
def tiny_bert_dir(tmp_path_factory):
    """A tiny randomly initialised BERT with a word-level tokenizer, saved like a hub snapshot."""
    transformers = pytest.importorskip("transformers")
    path = tmp_path_factory.mktemp("tiny-bert")
    vocab = [
        "[PAD]",
        "[UNK]",
        "[CLS]",
        "[SEP]",
        "[MASK]",
        "red",
        "dress",
        "blue",
        "shoe",
        "laptop",
        "红",
        "色",
    ]
    (path / "vocab.txt").write_text("\n".join(vocab) + "\n")
    transformers.BertTokenizer(str(path / "vocab.txt")).save_pretrained(str(path))
    config = transformers.BertConfig(
        vocab_size=len(vocab),
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=64,
    )
    transformers.set_seed(0)
    transformers.BertModel(config).save_pretrained(str(path), safe_serialization=True)
    return path


def test_transformers_backend_mean_pools_a_local_model(tiny_bert_dir):
    enc = load_encoder(str(tiny_bert_dir))
    assert isinstance(enc, TransformersEncoder) and enc.dim == 32
    vectors = enc.encode(["red dress", "blue shoe", "red dress"])
    assert vectors.shape == (3, 32)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    np.testing.assert_allclose(vectors[0], vectors[2], atol=1e-6)
    assert not np.allclose(vectors[0], vectors[1])
    assert enc.version == load_encoder(str(tiny_bert_dir)).version  # content hash is stable


def test_transformers_backend_refuses_a_folder_without_config(tmp_path):
    with pytest.raises(InvalidInputError, match="has no config.json"):
        TransformersEncoder(tmp_path)


class CountingEncoder:
    """A deterministic toy encoder that counts what it is asked to encode."""

    name, version, dim = "counting", "1", 3

    def __init__(self):
        self.calls = []

    def encode(self, texts):
        self.calls.append(list(texts))
        return np.array([[len(t), 1.0, 0.0] for t in texts], np.float32)


def test_cache_encodes_each_text_once_and_persists(tmp_path):
    inner = CountingEncoder()
    cache = CachedEncoder(inner, tmp_path / "emb.safetensors")
    first = cache.encode(["aa", "b", "aa"])
    again = cache.encode(["b", "aa"])
    assert inner.calls == [["aa", "b"]]
    np.testing.assert_array_equal(first[[1, 0]], again)
    cache.save()
    fresh_inner = CountingEncoder()
    reloaded = CachedEncoder(fresh_inner, tmp_path / "emb.safetensors").encode(["aa", "new"])
    assert fresh_inner.calls == [["new"]]
    np.testing.assert_array_equal(reloaded[0], first[0])


def test_cache_from_another_encoder_version_is_ignored(tmp_path):
    cache = CachedEncoder(CountingEncoder(), tmp_path / "emb.safetensors")
    cache.encode(["aa"])
    cache.save()
    other = CountingEncoder()
    other.version = "2"
    CachedEncoder(other, tmp_path / "emb.safetensors").encode(["aa"])
    assert other.calls == [["aa"]]


def test_cache_only_encoder_returns_cached_vectors_and_refuses_others(tmp_path, encoder):
    path = tmp_path / "cache.safetensors"
    cached = CachedEncoder(encoder, path)
    vectors = cached.encode(["红色连衣裙", "red dress"])
    cached.save()
    stand_in = load_encoder(f"cache:{path}")
    assert (stand_in.name, stand_in.version, stand_in.dim) == (encoder.name, encoder.version, encoder.dim)
    np.testing.assert_array_equal(stand_in.encode(["red dress", "红色连衣裙"]), vectors[::-1])
    with pytest.raises(InvalidInputError, match="1 texts are not in the embedding cache"):
        stand_in.encode(["red dress", "blue shoes"])


def test_cache_only_encoder_refuses_a_file_that_is_not_a_cache(tmp_path):
    bad = tmp_path / "weights.safetensors"
    bad.write_bytes(b"not a safetensors file")
    with pytest.raises(InvalidInputError, match="is not an embedding cache"):
        load_encoder(f"cache:{bad}")
