import numpy as np
import pytest

from adcraft.errors import InvalidInputError
from adcraft.personalize.segments import get_segment
from adcraft.personalize.simulator import Market, MarketConfig, run_policies, summarise
from adcraft.personalize.variants import MAX_VARIANTS, generate_variants


def test_market_ctrs_are_in_band_and_reproducible():
    a, b = Market.draw(MarketConfig(), 3), Market.draw(MarketConfig(), 3)
    assert np.array_equal(a.ctr, b.ctr) and a.creatives == b.creatives
    assert a.ctr.min() >= 0.005 and a.ctr.max() <= 0.05 and a.ctr.shape == (6, 2, 16)
    with pytest.raises(InvalidInputError, match="n_creatives"):
        Market.draw(MarketConfig(n_creatives=1), 0)


def test_learning_policies_beat_random_with_sublinear_regret():
    runs = [run_policies(impressions=20000, seed=0, batch_size=500)]
    by = {s.policy: s for s in summarise(runs)}
    assert by["contextual"].ctr_mean > 1.2 * by["random"].ctr_mean
    assert by["contextual"].regret_mean < by["random"].regret_mean
    assert by["contextual"].half_ratio < 0.8 < by["random"].half_ratio  # random's regret grows linearly
    assert np.all(np.diff(by["random"].curve) >= 0)  # expected regret never decreases
    assert len(by["random"].curve) == 20000


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
