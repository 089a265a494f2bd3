import numpy as np
import pandas as pd
import pytest

from adcraft.errors import DataError, InvalidInputError
from adcraft.personalize.ope import BanditLog, estimate_policy_value, weight_diagnostics


def _synthetic(n=20000, k=5, seed=0):
    """Contexts x in {0,1,2}, a non-uniform logging policy with known propensities, known true CTRs."""
    rng = np.random.default_rng(seed)
    x = rng.integers(0, 3, n)
    ctr = np.array(
        [[0.02, 0.05, 0.10, 0.03, 0.01], [0.08, 0.02, 0.01, 0.06, 0.04], [0.03, 0.03, 0.04, 0.12, 0.02]]
    )[:, :k]
    logging_p = np.array([0.4, 0.3, 0.1, 0.1, 0.1])[:k]
    logging_p = logging_p / logging_p.sum()
    actions = rng.choice(k, n, p=logging_p)
    rewards = (rng.random(n) < ctr[x, actions]).astype(float)
    log = BanditLog(
        pd.DataFrame({"ctx.x": x.astype(str)}),
        actions,
        rewards,
        logging_p[actions],
        pd.DataFrame({"el.arm": [f"a{i}" for i in range(k)]}),
    )
    return log, x, ctr


def _greedy_oracle(x, ctr):
    probs = np.zeros((len(x), ctr.shape[1]))
    probs[np.arange(len(x)), ctr[x].argmax(axis=1)] = 1.0
    return probs


@pytest.mark.parametrize("seed", [0, 1])
@pytest.mark.parametrize("ci", ["normal", "bootstrap"])
def test_each_estimator_covers_the_true_value(seed, ci):
    log, x, ctr = _synthetic(seed=seed)
    probs = 0.9 * _greedy_oracle(x, ctr) + 0.1 / ctr.shape[1]
    truth = float((probs * ctr[x]).sum(axis=1).mean())
    noisy_q = np.clip(ctr[x] * np.random.default_rng(9).uniform(0.7, 1.3, size=ctr[x].shape), 0, 1)
    estimates = estimate_policy_value(log, probs, q_hat=noisy_q, ci=ci, n_boot=200)
    assert [e.estimator for e in estimates] == ["IPS", "SNIPS", "DR", "SwitchDR"]
    for e in estimates:
        assert e.ci_low <= truth <= e.ci_high, (e, truth)
        assert e.ci_high - e.ci_low < 0.03  # informative, not a trivially wide interval
    # the target policy is clearly better than the logging policy's own CTR
    assert estimates[0].value > log.rewards.mean() + 0.02


def test_dr_with_a_good_reward_model_has_a_tighter_interval_than_ips():
    log, x, ctr = _synthetic(seed=3)
    probs = _greedy_oracle(x, ctr)
    ips, _snips, dr, _switch = estimate_policy_value(log, probs, q_hat=ctr[x], ci="normal")
    assert dr.ci_high - dr.ci_low < ips.ci_high - ips.ci_low


def test_without_reward_model_only_ips_and_snips():
    log, _x, _ctr = _synthetic(n=500)
    names = [e.estimator for e in estimate_policy_value(log, np.full((500, 5), 0.2))]
    assert names == ["IPS", "SNIPS"]


def test_logging_policy_evaluated_on_itself_matches_the_observed_ctr():
    log, _x, _ = _synthetic(n=3000)
    p = np.array([0.4, 0.3, 0.1, 0.1, 0.1])
    ips, snips = estimate_policy_value(log, np.tile(p, (3000, 1)))
    assert snips.value == pytest.approx(log.rewards.mean())
    assert ips.value == pytest.approx(log.rewards.mean())


def test_bad_policy_matrices_and_logs_are_rejected():
    log, _x, _ = _synthetic(n=100)
    with pytest.raises(InvalidInputError, match="shape"):
        estimate_policy_value(log, np.full((100, 4), 0.25))
    with pytest.raises(InvalidInputError, match="sum to 1"):
        estimate_policy_value(log, np.full((100, 5), 0.3))
    with pytest.raises(InvalidInputError, match="ci method"):
        estimate_policy_value(log, np.full((100, 5), 0.2), ci="jackknife")
    with pytest.raises(DataError, match="propensity"):
        BanditLog(
            log.contexts,
            log.actions,
            log.rewards,
            np.where(np.arange(100) == 7, 1.5, log.pscores),
            log.action_features,
        )
    with pytest.raises(DataError, match="actions must be in"):
        BanditLog(log.contexts, log.actions + 5, log.rewards, log.pscores, log.action_features)


def test_split_is_time_ordered_and_keeps_the_action_space():
    log, _, _ = _synthetic(n=100)
    train, test = log.split(0.3)
    assert len(train) == 30 and len(test) == 70
    assert np.array_equal(test.actions, log.actions[30:]) and test.n_actions == 5
    with pytest.raises(InvalidInputError):
        log.split(1.0)


def test_diagnostics_flag_heavy_weights_and_auto_switches_to_bootstrap():
    log, x, ctr = _synthetic(n=4000)
    on_policy = np.tile(np.array([0.4, 0.3, 0.1, 0.1, 0.1]), (4000, 1))
    d = weight_diagnostics(log, on_policy)
    assert d.ess == pytest.approx(4000) and d.max_weight == pytest.approx(1) and not d.heavy
    greedy = _greedy_oracle(x, ctr)  # deterministic, often on arms logged with p = 0.1
    d = weight_diagnostics(log, greedy, clip=5.0)
    assert d.max_weight == pytest.approx(10) and d.zero_share > 0.5 and d.clipped_share > 0
    assert d.ess < 0.5 * len(log)
    heavy = _synthetic(n=4000, k=5)[0]
    heavy.pscores[:] = np.where(heavy.actions == 4, 0.01, heavy.pscores)  # claim rare logging of arm 4
    probs = np.zeros((4000, 5))
    probs[:, 4] = 1
    assert weight_diagnostics(heavy, probs).heavy
    assert {e.ci for e in estimate_policy_value(heavy, probs, n_boot=50)} == {"bootstrap"}
    assert {e.ci for e in estimate_policy_value(log, on_policy)} == {"normal"}


def test_clipping_lowers_ips_and_switch_dr_falls_back_to_the_model_above_its_threshold():
    log, x, ctr = _synthetic(n=5000, seed=4)
    probs = _greedy_oracle(x, ctr)
    ips = estimate_policy_value(log, probs, ci="normal")[0].value
    clipped = estimate_policy_value(log, probs, ci="normal", clip=2.0)[0].value
    assert clipped < ips
    q = np.full_like(probs, 0.5)  # a bad, constant reward model
    est = {
        e.estimator: e.value for e in estimate_policy_value(log, probs, q_hat=q, ci="normal", switch_tau=0)
    }
    assert est["SwitchDR"] == pytest.approx(0.5)  # every residual switched off: pure direct method
    est = {
        e.estimator: e.value for e in estimate_policy_value(log, probs, q_hat=q, ci="normal", switch_tau=1e9)
    }
    assert est["SwitchDR"] == pytest.approx(est["DR"])
