import numpy as np
import pytest

from adcraft.errors import InvalidInputError
from adcraft.personalize.segments import get_segment
from adcraft.personalize.simulator import WORLDS, World, WorldConfig, run_policies, summarise
from adcraft.personalize.variants import MAX_VARIANTS, generate_variants


@pytest.mark.parametrize("world", WORLDS)
def test_worlds_have_realistic_ctrs_and_creative_effects(world):
    a, b = World.draw(WorldConfig(world=world), 3), World.draw(WorldConfig(world=world), 3)
    assert np.array_equal(a.ctr, b.ctr) and a.variants == b.variants
    feed = a.ctr[:, 0]  # (segments, variants) in the main placement
    assert 0.002 < feed.mean(axis=1).min() and feed.mean(axis=1).max() < 0.011
    lift = feed.max(axis=1) / feed.mean(axis=1) - 1
    assert np.all((lift > 0.09) & (lift < 0.31))
    assert set(a.variants[0]) >= {"palette", "template", "headline", "cta"}  # real variant elements
    best = feed.argmax(axis=1)
    if world in ("one_best", "no_segment"):
        assert len(set(best)) == 1
    if world == "no_segment":
        assert np.allclose(feed, feed[0])
    assert np.all(a.ctr[:, 1] < a.ctr[:, 0])  # the side slot is clicked less, whatever the creative


def test_world_config_is_checked():
    with pytest.raises(InvalidInputError, match="world 'flat'"):
        World.draw(WorldConfig(world="flat"), 0)
    with pytest.raises(InvalidInputError, match="n_variants"):
        World.draw(WorldConfig(n_variants=1), 0)


def test_learners_beat_random_in_a_world_with_big_effects():
    config = WorldConfig(ctr_range=(0.05, 0.08), lift_range=(0.8, 1.0), n_variants=6)
    runs = [run_policies(impressions=8000, seed=s, batch_size=500, config=config) for s in (0, 1)]
    by = {s.policy: s for s in summarise(runs)}
    for learner in ("segment_thompson", "contextual"):
        assert by[learner].ctr[0] > 1.15 * by["random"].ctr[0]
        assert by[learner].regret[0] < 0.7 * by["random"].regret[0]
        assert by[learner].half_ratio < 0.9 < by["random"].half_ratio
    assert np.all(np.diff(by["random"].curve) >= 0)
    assert len(by["random"].curve) == 8000 and by["random"].seeds == 2


def test_run_policies_rejects_unknown_policies():
    with pytest.raises(InvalidInputError, match="policies"):
        run_policies(impressions=100, batch_size=10, policies=("greedy",))


def test_variants_are_distinct_stable_and_start_with_house_style():
    seg = get_segment("students_budget")
    variants = generate_variants("sku-1", seg, 12, seed=0)
    assert len({v.variant_id for v in variants}) == 12
    assert [v.variant_id for v in generate_variants("sku-1", seg, 12, seed=0)] == [
        v.variant_id for v in variants
    ]
    assert variants[0].template == seg.template_family and variants[0].headline_id == 0
    assert len({v.palette for v in variants}) > 1 and len({v.template for v in variants}) > 1
    assert set(variants[0].elements()) >= {"palette", "template", "headline", "cta"}
    other = generate_variants("sku-2", seg, 12, seed=0)
    assert {v.variant_id for v in other}.isdisjoint(v.variant_id for v in variants)


@pytest.mark.parametrize("n", [0, MAX_VARIANTS + 1])
def test_variant_count_is_bounded(n):
    with pytest.raises(InvalidInputError, match="variants must be between"):
        generate_variants("sku", get_segment("parents"), n)
    with pytest.raises(InvalidInputError, match="no id, sku or title"):
        generate_variants({"price": 3}, get_segment("parents"), 2)
