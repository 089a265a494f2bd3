import numpy as np
import pandas as pd
import pytest

from adcraft.errors import DataError, InvalidInputError
from adcraft.personalize.offline import (
    bts_action_dist,
    greedy_policy,
    load_obd_sample,
    obd_bts_check,
    read_log,
    train_and_evaluate,
)


def _event_log(path, n=3000, seed=0):
    """An event log whose clicks depend on segment x palette, logged uniformly at random over 4 creatives."""
    rng = np.random.default_rng(seed)
    palettes = ["pink", "navy", "red", "teal"]
    segs = rng.choice(["students", "parents"], n)
    arms = rng.integers(0, 4, n)
    ctr = np.where((segs == "students") == (arms < 2), 0.25, 0.03)
    frame = pd.DataFrame(
        {
            "creative_id": [f"cr{a}" for a in arms],
            "segment": segs,
            "clicked": (rng.random(n) < ctr).astype(int),
            "propensity": 0.25,
            "ctx_device": rng.choice(["mobile", "desktop"], n),
            "el_palette": [palettes[a] for a in arms],
        }
    )
    frame.to_csv(path, index=False)
    return frame


def test_event_log_is_read_with_actions_contexts_and_element_features(tmp_path):
    frame = _event_log(tmp_path / "log.csv", n=200)
    log = read_log(tmp_path / "log.csv")
    assert len(log) == 200 and log.n_actions == 4
    assert list(log.action_features["el.palette"]) == ["pink", "navy", "red", "teal"]
    assert set(log.contexts.columns) == {"ctx.segment", "ctx.device"}
    assert log.rewards.sum() == frame["clicked"].sum()


def test_trained_policy_beats_the_uniform_logging_policy(tmp_path):
    _event_log(tmp_path / "log.csv")
    report = train_and_evaluate(read_log(tmp_path / "log.csv"), epsilon=0.1)
    # the right creative per segment has CTR 0.25, the others 0.03: truth for the policy is ~0.228
    truth = 0.9 * 0.25 + 0.1 * (0.25 + 0.03) / 2
    for e in report.estimates:
        assert e.ci_low <= truth <= e.ci_high, e
    assert report.estimates[1].value > 1.5 * report.logging_ctr.value
    assert report.n_train == report.n_eval == 1500


def test_bad_logs_name_the_row_and_field(tmp_path):
    frame = _event_log(tmp_path / "log.csv", n=50)
    frame["propensity"] = frame["propensity"].astype(object)
    frame.loc[4, "propensity"] = "abc"
    frame.to_csv(tmp_path / "bad.csv", index=False)
    with pytest.raises(DataError, match=r"row 5 field 'propensity'"):
        read_log(tmp_path / "bad.csv")
    frame.loc[4, "propensity"] = "0"
    frame.to_csv(tmp_path / "zero.csv", index=False)
    with pytest.raises(DataError, match=r"row 5: propensity"):
        read_log(tmp_path / "zero.csv")
    frame.drop(columns=["propensity"]).to_csv(tmp_path / "nop.csv", index=False)
    with pytest.raises(DataError, match="missing column"):
        read_log(tmp_path / "nop.csv")
    pd.DataFrame({"a": [1]}).to_csv(tmp_path / "other.csv", index=False)
    with pytest.raises(DataError, match="not an event log"):
        read_log(tmp_path / "other.csv")


def test_greedy_policy_rows_sum_to_one_and_favour_the_best():
    q = np.array([[0.1, 0.3, 0.2], [0.5, 0.1, 0.0]])
    p = greedy_policy(q, epsilon=0.3)
    assert np.allclose(p.sum(axis=1), 1) and p[0, 1] == pytest.approx(0.8) and p[1, 0] == pytest.approx(0.8)
    with pytest.raises(InvalidInputError):
        greedy_policy(q, epsilon=2)
    only = greedy_policy(q, epsilon=0.3, eligible=np.array([[True, False, True], [False, True, True]]))
    assert only[0, 1] == 0 and only[0, 2] == pytest.approx(0.85) and only[1, 0] == 0


def test_bernoulli_ts_estimated_on_the_random_log_brackets_its_own_logged_ctr():
    """The obp authors' check on the Open Bandit sample: off-policy value of BTS vs BTS's on-policy CTR."""
    try:
        dist = bts_action_dist(n_sim=20_000)
    except DataError as exc:
        pytest.skip(str(exc))
    assert dist.shape == (80, 3) and np.allclose(dist.sum(axis=0), 1)
    check = obd_bts_check(n_sim=20_000)
    for e in check.estimates:
        assert e.ci_low <= check.on_policy.value <= e.ci_high, (e, check.on_policy)
    assert 0.9 < check.diagnostics.mean_weight < 1.1  # BTS is supported by the uniform log


def test_open_bandit_dataset_sample_from_the_wheel():
    try:
        log = load_obd_sample(max_rows=500)
    except DataError as exc:
        pytest.skip(str(exc))
    assert len(log) == 500 and log.n_actions == 80
    assert np.allclose(log.pscores, 1 / 80)  # the random campaign logs uniformly
    assert log.pair_rows(np.array([0]), np.array([3])).shape[1] > 5
