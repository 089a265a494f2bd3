import numpy as np
import pandas as pd
import pytest

from adcraft.errors import DataError, InvalidInputError
from adcraft.personalize.events import Event, EventLog, import_events, parse_event
from adcraft.personalize.features import FeatureBuilder, make_row
from adcraft.personalize.ranker import CTRRanker, choose_ranker, compare_rankers
from adcraft.personalize.simulator import PLACEMENTS, World, WorldConfig


def _simulated_rows(n=20000, seed=0):
    """Impressions of uniformly random creatives in a drawn market, clicks from its true CTRs."""
    world = World.draw(WorldConfig(ctr_range=(0.05, 0.1), lift_range=(1.0, 1.5)), seed)
    rng = np.random.default_rng(seed)
    seg, pla = world.sample_contexts(n, rng)
    arms = rng.integers(0, len(world.variants), n)
    y = rng.random(n) < world.ctr[seg, pla, arms]
    rows = [
        make_row({"segment": world.segments[s], "placement": PLACEMENTS[p]}, world.variants[a])
        for s, p, a in zip(seg, pla, arms, strict=True)
    ]
    return rows, y.astype(int)


def test_ranker_beats_the_constant_predictor_on_held_out_data():
    rows, y = _simulated_rows()
    scores = {s.model: s for s in compare_rankers(rows, y)}
    assert scores["logistic"].log_loss < scores["constant"].log_loss
    assert scores["logistic"].auc > 0.6
    assert choose_ranker(list(scores.values())) in ("logistic", "hgb")


def test_ranker_with_one_class_predicts_the_base_rate_and_bad_columns_fail():
    rows = [make_row({"segment": "a"}, {"palette": "x"})] * 5
    model = CTRRanker().fit(rows, [0] * 5)
    assert np.allclose(model.predict_ctr(rows), 0.0)
    with pytest.raises(InvalidInputError, match="must start with one of"):
        CTRRanker().fit([{"palette": "x"}, {"palette": "y"}], [0, 1])
    with pytest.raises(InvalidInputError, match="labels"):
        CTRRanker().fit(rows, [0, 1])


def test_feature_builder_crosses_context_and_elements():
    rows = [make_row({"segment": "a"}, {"palette": p}) for p in ("x", "y")]
    X = FeatureBuilder(n_features=1024).fit(rows).transform(rows)
    assert X.shape == (2, 1024) and X[0].nnz == 3  # segment, palette, segment|palette


def test_parse_event_reports_row_and_field():
    ok = parse_event(
        {
            "creative_id": "c1",
            "segment": "s",
            "clicked": "yes",
            "ctx_device": "mobile",
            "el_palette": "pink",
            "propensity": "0.5",
        },
        1,
    )
    assert (
        isinstance(ok, Event) and ok.clicked and ok.context == {"device": "mobile"} and ok.propensity == 0.5
    )
    for row, field in [
        ({"creative_id": "", "segment": "s", "clicked": "1"}, "creative_id"),
        ({"creative_id": "c", "segment": "s", "clicked": "maybe"}, "clicked"),
        ({"creative_id": "c", "segment": "s", "clicked": "1", "propensity": "1.5"}, "propensity"),
        ({"creative_id": "c", "segment": "s", "clicked": "1", "propensity": "0"}, "propensity"),
        ({"creative_id": "c", "segment": "s", "clicked": "1", "position": "top"}, "position"),
    ]:
        err = parse_event(row, 7)
        assert err.row == 7 and err.field == field and str(err).startswith(f"row 7: field '{field}'")
    unknown = parse_event({"creative_id": "c", "segment": "zz", "clicked": "0"}, 2, known_segments={"s"})
    assert unknown.field == "segment"


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_import_keeps_valid_rows_and_reports_bad_ones(tmp_path, suffix):
    frame = pd.DataFrame(
        {
            "creative_id": ["a", "b", "", "c"],
            "segment": ["s", "s", "s", "s"],
            "clicked": ["1", "0", "1", "2"],
            "propensity": ["0.5", "1", "0.5", "0.5"],
        }
    )
    path = tmp_path / f"log{suffix}"
    frame.to_csv(path, index=False) if suffix == ".csv" else frame.to_parquet(path)
    report = import_events(path)
    assert [e.creative_id for e in report.events] == ["a", "b"]
    assert [(e.row, e.field) for e in report.errors] == [(3, "creative_id"), (4, "clicked")]
    assert report.n_rows == 4


def test_import_rejects_missing_columns_and_unknown_formats(tmp_path):
    pd.DataFrame({"creative_id": ["a"], "clicked": [1]}).to_csv(tmp_path / "x.csv", index=False)
    with pytest.raises(DataError, match="missing column.*segment"):
        import_events(tmp_path / "x.csv")
    (tmp_path / "x.json").write_text("[]")
    with pytest.raises(InvalidInputError, match=".csv or .parquet"):
        import_events(tmp_path / "x.json")
    with pytest.raises(DataError, match="does not exist"):
        import_events(tmp_path / "none.csv")


def test_event_log_ctr_table():
    log = EventLog([Event("a", "s", True), Event("a", "s", False)])
    log.append(Event("b", "t", True))
    assert log.ctr_table() == {("s", "a"): (2, 1), ("t", "b"): (1, 1)} and len(log) == 3
