"""The personalisation loop end to end through the API, then `adcraft ope` on the same database."""

import numpy as np
import pytest

from adcraft.store.campaigns import iso
from helpers import run_cli

T0 = 1_767_225_600.0  # 2026-01-01T00:00:00Z: impressions carry event times one second apart
TRUE_CTR = {  # hidden from the policy; the best variant differs by segment
    ("parents", "p-warm"): 0.20,
    ("parents", "p-cool"): 0.05,
    ("parents", "all-bold"): 0.07,
    ("students", "s-promo"): 0.18,
    ("students", "s-min"): 0.04,
    ("students", "all-bold"): 0.06,
}
CAMPAIGN = {
    "id": "spring",
    "segments": ["parents", "students"],
    "settings": {"attribution_window_s": 60, "prior_ctr": 0.1, "prior_weight": 20, "learn_batch": 50},
    "variants": [
        {"id": "p-warm", "segment": "parents", "elements": {"palette": "warm", "template": "lifestyle"}},
        {"id": "p-cool", "segment": "parents", "elements": {"palette": "cool", "template": "minimal"}},
        {"id": "s-promo", "segment": "students", "elements": {"palette": "bright", "template": "promo"}},
        {"id": "s-min", "segment": "students", "elements": {"palette": "cool", "template": "minimal"}},
        {"id": "all-bold", "elements": {"palette": "bright", "template": "bold"}},
    ],
    "control": "all-bold",
}


def _drive(client, n=2000, seed=0):
    rng = np.random.default_rng(seed)
    picks, clicks = [], []
    for t in range(n):
        segment = ("parents", "students")[t % 2]
        body = {
            "campaign_id": "spring",
            "segment": segment,
            "placement": "feed",
            "seed": t,
            "context": {"device": "mobile"},
            "timestamp": iso(T0 + t),
        }
        out = client.post("/v1/choose", json=body).json()
        assert out["propensity"] == pytest.approx(out["probabilities"][out["variant"]["id"]])
        assert 0 < out["propensity"] <= 1 and "p-warm" not in out["probabilities"] or segment == "parents"
        picks.append((segment, out["variant"]["id"]))
        if rng.random() < TRUE_CTR[(segment, out["variant"]["id"])]:
            clicks.append(
                {
                    "id": f"c{t}",
                    "kind": "click",
                    "impression_id": out["impression_id"],
                    "timestamp": iso(T0 + t + 5),
                }
            )
        if t % 20 == 19 and clicks:
            assert client.post("/v1/events", json={"events": clicks}).status_code == 200
            clicks = []
    return picks


def test_the_loop_learns_reports_and_evaluates_on_its_own_log(make_client, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")  # rich wraps tables to 80 columns when not on a terminal
    client = make_client()
    assert client.post("/v1/campaigns", json=CAMPAIGN).status_code == 201
    picks = _drive(client)
    late = picks[1000:]
    for segment, best in (("parents", "p-warm"), ("students", "s-promo")):
        share = np.mean([v == best for s, v in late if s == segment])
        assert share > 0.6, (segment, share)  # floor 5 % and the cap keep exploring, but it learned

    report = client.get("/v1/campaigns/spring/report").json()
    assert report["impressions"] == 2000 and report["learned"] > 1800
    rows = {(r["segment"], r["variant"]): r for r in report["variants"]}
    for segment, best in (("parents", "p-warm"), ("students", "s-promo")):
        row = rows[(segment, best)]
        assert row["ctr_low"] <= TRUE_CTR[(segment, best)] <= row["ctr_high"]
        assert row["p_best"] > 0.9 and row["lift_low"] > 0  # clearly better than the all-bold control
    assert rows[("parents", "all-bold")]["control"]
    value = report["policy_value"]
    assert (
        value["n"] > 1800
        and value["estimated_ctr_low"] < value["estimated_ctr"] < value["estimated_ctr_high"]
    )
    assert value["estimated_ctr"] > 0.1  # the learned policy is worth more than the 0.05-0.07 control

    csv_text = client.get("/v1/campaigns/spring/report.csv").text
    assert csv_text.splitlines()[0].startswith("segment,variant,impressions,clicks,ctr,ctr_low")
    assert len(csv_text.splitlines()) == 1 + 6

    code, out, err = run_cli(["ope", "--data-dir", str(tmp_path / "data"), "--campaign", "spring"], capsys)
    assert code == 0, err
    for word in ("current contextual", "SNIPS", "SwitchDR", "effective sample size"):
        assert word in out


def test_events_are_idempotent_and_counted_per_reason(make_client):
    client = make_client()
    client.post("/v1/campaigns", json=CAMPAIGN)
    imp = client.post(
        "/v1/choose", json={"campaign_id": "spring", "segment": "parents", "timestamp": iso(T0)}
    ).json()["impression_id"]
    batch = [
        {"id": "k1", "kind": "click", "impression_id": imp, "timestamp": iso(T0 + 3)},
        {"id": "k2", "kind": "click", "impression_id": imp, "timestamp": iso(T0 + 4)},
        {"id": "k3", "kind": "click", "impression_id": "ghost", "campaign_id": "spring"},
        {"id": "k4", "kind": "click", "impression_id": imp, "timestamp": iso(T0 + 3600)},
        {"id": "k5", "kind": "click", "impression_id": imp, "timestamp": iso(T0 - 1)},
        {"id": "k6", "kind": "conversion", "impression_id": imp, "value": -3, "campaign_id": "spring"},
        {"id": "k7", "kind": "conversion", "impression_id": imp, "value": 25.5, "timestamp": iso(T0 + 9)},
        {
            "id": "i9",
            "kind": "impression",
            "campaign_id": "spring",
            "variant_id": "p-warm",
            "segment": "Parents",
        },
    ]
    first = client.post("/v1/events", json={"events": batch}).json()
    assert first["feedback"] == {"attributed": 2, "repeat": 1, "orphan": 1, "late": 1, "before_impression": 1}
    assert first["rejected"] == {"negative_value": 1, "unknown_segment": 1}
    again = client.post("/v1/events", json={"events": batch}).json()
    assert again["feedback"] == {} and again["rejected"] == {
        "duplicate_id": 6,
        "negative_value": 1,
        "unknown_segment": 1,
    }
    report = client.get("/v1/campaigns/spring/report").json()
    assert report["clicks"] == 1  # one click per impression, however often it is sent
    assert sum(r["value"] for r in report["variants"]) == 25.5
    assert report["feedback"]["click"] == {
        "attributed": 1,
        "repeat": 1,
        "orphan": 1,
        "late": 1,
        "before_impression": 1,
    }
    assert report["rejected"]["duplicate_id"] == 6


@pytest.mark.parametrize(
    "body,status,needle",
    [
        ({"campaign_id": "nope", "segment": "parents"}, 404, "campaign 'nope'"),
        (
            {"campaign_id": "spring", "segment": "Parents"},
            404,
            "parents, students (names are case-sensitive)",
        ),
        ({"campaign_id": "spring", "segment": "parents", "context": {"bad key": "x"}}, 422, "context"),
    ],
)
def test_choose_names_what_is_wrong(make_client, body, status, needle):
    client = make_client()
    client.post("/v1/campaigns", json=CAMPAIGN)
    response = client.post("/v1/choose", json=body)
    assert response.status_code == status and needle in str(response.json()["detail"])


@pytest.mark.parametrize(
    "change,status,needle",
    [
        ({"segments": []}, 422, "segments"),
        ({"settings": {"prior_ctr": 2}}, 422, "prior_ctr"),
        ({"settings": {"explore": 1}}, 422, "'explore' is unknown"),
        ({"control": "zzz"}, 404, "control 'zzz'"),
        (
            {
                "segments": ["parents", "students", "seniors"],
                "variants": CAMPAIGN["variants"][:4],
                "control": "p-warm",
            },
            422,
            "'seniors' has no variant",
        ),
        ({"variants": [{"id": "x", "segment": "Parents", "elements": {"a": "b"}}]}, 404, "case-sensitive"),
    ],
)
def test_campaign_validation(make_client, change, status, needle):
    response = make_client().post("/v1/campaigns", json={**CAMPAIGN, **change})
    assert response.status_code == status and needle in str(response.json()["detail"])


def test_fatigue_guard_and_duplicate_campaign(make_client):
    client = make_client()
    spec = {**CAMPAIGN, "id": "tired", "settings": {"fatigue_per_user_day": 1, "floor": 0.5}}
    assert client.post("/v1/campaigns", json=spec).status_code == 201
    assert client.post("/v1/campaigns", json=spec).status_code == 422
    seen = []
    for k in range(3):
        out = client.post(
            "/v1/choose",
            json={
                "campaign_id": "tired",
                "segment": "parents",
                "user_id": "u1",
                "seed": k,
                "timestamp": iso(T0 + k),
            },
        ).json()
        seen.append((out["variant"]["id"], out["fatigued"]))
    assert len({v for v, _ in seen}) == 3 and not any(f for _, f in seen)  # three views, three variants
    body = {"campaign_id": "tired", "segment": "parents", "user_id": "u1", "timestamp": iso(T0 + 4)}
    assert client.post("/v1/choose", json=body).json()["fatigued"] is True
    body["timestamp"] = iso(T0 + 2 * 86400)  # a day later the guard has forgotten
    assert client.post("/v1/choose", json=body).json()["fatigued"] is False
