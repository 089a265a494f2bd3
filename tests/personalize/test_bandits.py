import threading

import numpy as np
import pytest

from adcraft.errors import CheckpointError, InvalidInputError
from adcraft.personalize.bandits import ContextualThompsonSelector, ThompsonSelector
from adcraft.personalize.events import Event


def test_thompson_converges_to_the_best_arm_per_segment():
    rng = np.random.default_rng(0)
    true = {"students": [0.02, 0.08, 0.03], "parents": [0.09, 0.02, 0.03]}
    ids = ["a", "b", "c"]
    sel = ThompsonSelector()
    late = {s: [] for s in true}
    for t in range(6000):
        seg = "students" if t % 2 else "parents"
        pick = sel.select(seg, ids, rng)
        k = ids.index(pick)
        sel.update([Event(pick, seg, bool(rng.random() < true[seg][k]))])
        if t >= 4000:
            late[seg].append(k)
    assert np.mean(np.array(late["students"]) == 1) > 0.8
    assert np.mean(np.array(late["parents"]) == 0) > 0.8


def test_thompson_rejects_empty_candidates_and_bad_priors():
    with pytest.raises(InvalidInputError):
        ThompsonSelector().select("x", [], np.random.default_rng(0))
    with pytest.raises(InvalidInputError, match="Beta prior"):
        ThompsonSelector(prior_alpha=0)


def test_contextual_policy_learns_the_context_dependent_best_creative():
    rng = np.random.default_rng(1)
    elements = [{"palette": "pink"}, {"palette": "navy"}]
    sel = ContextualThompsonSelector(n_features=256)
    for _ in range(15):
        events = []
        for _ in range(200):
            device = rng.choice(["mobile", "desktop"])
            k = int(rng.integers(2))
            ctr = 0.3 if (device == "mobile") == (k == 0) else 0.02
            events.append(
                Event(
                    f"cr{k}",
                    "all",
                    bool(rng.random() < ctr),
                    context={"device": device},
                    elements=elements[k],
                )
            )
        sel.update(events)
    picks = {
        d: [
            sel.select({"segment": "all", "device": d}, ["cr0", "cr1"], rng, elements=elements)
            for _ in range(50)
        ]
        for d in ("mobile", "desktop")
    }
    assert picks["mobile"].count("cr0") > 45 and picks["desktop"].count("cr1") > 45


def test_state_round_trips_and_rejects_other_kinds(tmp_path):
    sel = ThompsonSelector(2.0, 3.0)
    sel.update([Event("a", "s", True), Event("a", "s", False), Event("b", "s", False)])
    sel.save(tmp_path / "ts.json")
    back = ThompsonSelector.load(tmp_path / "ts.json")
    assert back.counts == {"s": {"a": [2, 1], "b": [1, 0]}} and back.prior_beta == 3.0
    with pytest.raises(CheckpointError, match="expected 'logistic-thompson'"):
        ContextualThompsonSelector.load(tmp_path / "ts.json")
    (tmp_path / "bad.json").write_text("{nope")
    with pytest.raises(CheckpointError, match="not valid JSON"):
        ThompsonSelector.load(tmp_path / "bad.json")
    ctx = ContextualThompsonSelector(n_features=64)
    ctx.update([Event("a", "s", True, elements={"palette": "red"})])
    ctx.save(tmp_path / "ctx.json")
    again = ContextualThompsonSelector.load(tmp_path / "ctx.json")
    assert np.allclose(again.mean, ctx.mean) and np.allclose(again.precision, ctx.precision)


def test_concurrent_updates_from_threads_lose_nothing():
    sel = ThompsonSelector()

    def work(i):
        for j in range(500):
            sel.update([Event(f"c{j % 3}", "s", j % 2 == 0)])

    threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(v[0] for v in sel.counts["s"].values()) == 4000
    assert sum(v[1] for v in sel.counts["s"].values()) == 2000


def test_concurrent_file_updates_are_serialised(tmp_path):
    path = tmp_path / "state.json"

    def work():
        for _ in range(10):
            ThompsonSelector.update_file(path, [Event("a", "s", True), Event("b", "s", False)])

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert ThompsonSelector.load(path).counts["s"] == {"a": [40, 40], "b": [40, 0]}
