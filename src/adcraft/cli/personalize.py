"""CLI commands for personalisation: market simulation, off-policy evaluation and event-log import."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer


def register(app: typer.Typer) -> None:
    """Attach this group's commands to the main app."""

    @app.command()
    def simulate(
        impressions: Annotated[
            int, typer.Option("--impressions", help="Impressions per simulated world.")
        ] = 100_000,
        seeds: Annotated[int, typer.Option("--seeds", help="Worlds (seeds) per kind of world.")] = 10,
        batch_size: Annotated[
            int, typer.Option("--batch-size", help="Impressions between policy updates.")
        ] = 1000,
        world: Annotated[
            str, typer.Option("--world", help="segmented, one_best, no_segment, or all.")
        ] = "all",
        out: Annotated[
            Path, typer.Option("--out", help="Folder for regret_<world>.png and results.csv.")
        ] = Path("simulation"),
    ) -> None:
        """Race random, best-fixed, per-segment and contextual Thompson in simulated worlds."""
        _simulate(impressions, seeds, batch_size, world, out)

    @app.command()
    def ope(
        log_file: Annotated[
            Path | None, typer.Argument(help="CSV/Parquet log (event or Open Bandit Dataset format).")
        ] = None,
        item_context: Annotated[
            Path | None, typer.Option("--item-context", help="OBD item_context.csv.")
        ] = None,
        obp_sample: Annotated[
            bool, typer.Option("--obp-sample", help="Use the Open Bandit Dataset sample.")
        ] = False,
        obp_policy: Annotated[
            str, typer.Option("--obp-policy", help="OBD sample log: random or bts (Bernoulli TS).")
        ] = "random",
        obp_check: Annotated[
            bool,
            typer.Option("--obp-check", help="Estimate Bernoulli TS on the random log vs its own log."),
        ] = False,
        campaign: Annotated[
            str | None,
            typer.Option("--campaign", help="A campaign in --data-dir, or the OBD campaign (all/men/women)."),
        ] = None,
        data_dir: Annotated[
            Path | None,
            typer.Option("--data-dir", envvar="ADCRAFT_DATA_DIR", help="Evaluate on this store's log."),
        ] = None,
        train_fraction: Annotated[
            float, typer.Option("--train-fraction", help="Leading share of the log to train on.")
        ] = 0.5,
        epsilon: Annotated[
            float, typer.Option("--epsilon", help="Exploration share of the trained policy.")
        ] = 0.1,
        kind: Annotated[str, typer.Option("--ranker", help="Reward model: logistic or hgb.")] = "logistic",
        ci: Annotated[
            str,
            typer.Option(
                "--ci", help="Intervals: auto (bootstrap when weights are heavy), normal, bootstrap."
            ),
        ] = "auto",
    ) -> None:
        """Estimate a policy's CTR on logged traffic (IPS, SNIPS, DR, switch-DR) with weight diagnostics."""
        from adcraft.errors import InvalidInputError
        from adcraft.personalize.offline import load_obd_sample, read_log

        sources = [log_file is not None, obp_sample or obp_check, data_dir is not None and log_file is None]
        if sum(sources) != 1:
            raise InvalidInputError(
                "give one source: a LOG file, --obp-sample/--obp-check, or --data-dir with --campaign"
            )
        if obp_check:
            from adcraft.personalize.offline import obd_bts_check

            check = obd_bts_check(campaign or "all", ci=ci)
            _print_estimates(
                f"Bernoulli TS on the OBD random log ({check.diagnostics.n} rows) vs its own log",
                check.on_policy,
                [("Bernoulli TS", check.estimates)],
                check.diagnostics,
            )
            return
        if sources[2]:
            _ope_on_store(data_dir, campaign, train_fraction, epsilon, kind, ci)
            return
        log = (
            load_obd_sample(campaign or "all", obp_policy) if obp_sample else read_log(log_file, item_context)
        )
        _ope_on_log(log, train_fraction, epsilon, kind, ci)

    events = typer.Typer(help="Impression event logs.", no_args_is_help=True)

    @events.command("import")
    def import_(
        file: Annotated[
            Path, typer.Argument(help="CSV/Parquet: impression_id, campaign_id, variant_id, ...")
        ],
        data_dir: Annotated[
            Path, typer.Option("--data-dir", envvar="ADCRAFT_DATA_DIR", help="Store to import into.")
        ] = Path("adcraft-data"),
        max_errors: Annotated[int, typer.Option("--max-errors", help="Rejected rows to list.")] = 20,
    ) -> None:
        """Import an impression log into the store; a row already imported is counted, never stored twice."""
        from adcraft.cli.campaign import open_server
        from adcraft.personalize.logs import log_events

        events_, refused = log_events(file)
        for r in refused[:max_errors]:
            typer.echo(f"rejected row {r['row']}: {r['detail']}", err=True)
        out = open_server(data_dir).record_events(events_)
        for e in out["errors"][:max_errors]:
            typer.echo(f"rejected event {e['index']}: {e['reason']}: {e['detail']}", err=True)
        rejected = dict(out["rejected"])
        if refused:
            rejected["unparsable_row"] = len(refused)
        typer.echo(
            f"stored {out['impressions']} impressions; feedback {json.dumps(out['feedback'])}; "
            f"rejected {json.dumps(rejected)}"
        )

    @events.command("export")
    def export(
        campaign_id: Annotated[str, typer.Argument(help="Campaign id.")],
        out: Annotated[Path, typer.Argument(help="CSV file to write.")],
        data_dir: Annotated[
            Path, typer.Option("--data-dir", envvar="ADCRAFT_DATA_DIR", help="Store to read.")
        ] = Path("adcraft-data"),
    ) -> None:
        """Write a campaign's impressions (with propensities, clicks, context, elements) as a CSV log."""
        from adcraft.cli.campaign import open_server
        from adcraft.personalize.logs import export_log

        n = export_log(open_server(data_dir), campaign_id, out)
        typer.echo(f"wrote {n} impressions to {out}")

    app.add_typer(events, name="events")


def _simulate(impressions: int, seeds: int, batch_size: int, world: str, out: Path) -> None:
    from rich.console import Console
    from rich.progress import Progress

    from adcraft.errors import InvalidInputError
    from adcraft.personalize.plot import draw_regret_curves
    from adcraft.personalize.simulator import WORLDS, WorldConfig
    from adcraft.personalize.simulator import simulate as run

    worlds = WORLDS if world == "all" else (world,)
    if world != "all" and world not in WORLDS:
        raise InvalidInputError(f"--world {world!r} must be one of {', '.join(WORLDS)} or all")
    if seeds < 2:
        raise InvalidInputError(f"--seeds {seeds} must be at least 2 (intervals are over seeds)")
    console, rows = Console(), []
    for name in worlds:
        with Progress(transient=True) as progress:
            task = progress.add_task(f"simulating {name}", total=seeds)
            summaries = run(
                impressions,
                seeds,
                batch_size,
                WorldConfig(world=name),
                progress=lambda _, task=task: progress.advance(task),
            )
        console.print(_simulation_table(name, impressions, seeds, summaries))
        path = draw_regret_curves({s.policy: s.curve for s in summaries}, Path(out) / f"regret_{name}.png")
        console.print(f"regret curve: {path}")
        rows += [{"world": name, **_summary_row(s)} for s in summaries]
    _write_csv(rows, Path(out) / "results.csv")
    console.print(f"results: {Path(out) / 'results.csv'}")


def _summary_row(s) -> dict:
    return {
        "policy": s.policy,
        "seeds": s.seeds,
        **{f"ctr_{k}": v for k, v in zip(("mean", "low", "high"), s.ctr, strict=True)},
        **{f"lift_random_{k}": v for k, v in zip(("mean", "low", "high"), s.lift_vs_random, strict=True)},
        **{f"lift_segment_{k}": v for k, v in zip(("mean", "low", "high"), s.lift_vs_segment, strict=True)},
        **{f"regret_{k}": v for k, v in zip(("mean", "low", "high"), s.regret, strict=True)},
        "regret_half_ratio": s.half_ratio,
    }


def _write_csv(rows: list[dict], path: Path) -> None:
    import csv

    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def _simulation_table(world: str, impressions: int, seeds: int, summaries):
    from rich.table import Table

    def ci(t, fmt: str) -> str:
        return f"{t[0]:{fmt}} [{t[1]:{fmt}}, {t[2]:{fmt}}]"

    table = Table(
        title=f"world {world}: {impressions} impressions × {seeds} seeds (mean [95% CI over seeds])"
    )
    for column in (
        "policy",
        "CTR",
        "lift vs random",
        "lift vs per-segment",
        "regret (clicks)",
        "2nd/1st half",
    ):
        table.add_column(column, justify="left" if column == "policy" else "right", no_wrap=True)
    for s in summaries:
        table.add_row(
            s.policy,
            ci(s.ctr, ".5f"),
            ci(s.lift_vs_random, "+.1%"),
            ci(s.lift_vs_segment, "+.1%"),
            ci(s.regret, ".0f"),
            f"{s.half_ratio:.2f}",
        )
    return table


def _ope_on_log(log, train_fraction: float, epsilon: float, kind: str, ci: str) -> None:
    from adcraft.personalize.offline import train_and_evaluate

    report = train_and_evaluate(log, train_fraction, epsilon, kind, ci=ci)
    _print_estimates(
        f"trained on {report.n_train} rows, evaluated on {report.n_eval} rows, {report.n_actions} actions",
        report.logging_ctr,
        [(f"ranker ε={epsilon:g}", report.estimates)],
        report.diagnostics,
    )


def _print_estimates(title: str, base, policies, diagnostics) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"{title} (95% CI)")
    for column in ("policy", "estimator", "CTR", "95% CI", "interval", "vs logged"):
        table.add_column(
            column, justify="left" if column in ("policy", "estimator") else "right", no_wrap=True
        )
    table.add_row(
        "logged",
        base.estimator,
        f"{base.value:.5f}",
        f"[{base.ci_low:.5f}, {base.ci_high:.5f}]",
        "normal",
        "1.00×",
    )
    for name, estimates in policies:
        for e in estimates:
            ratio = e.value / base.value if base.value > 0 else float("nan")
            table.add_row(
                name,
                e.estimator,
                f"{e.value:.5f}",
                f"[{e.ci_low:.5f}, {e.ci_high:.5f}]",
                e.ci,
                f"{ratio:.2f}×",
            )
    console = Console()
    console.print(table)
    if diagnostics is not None:
        d = diagnostics
        console.print(
            f"weights: effective sample size {d.ess:.0f} of {d.n} ({d.ess / d.n:.1%}), "
            f"mean {d.mean_weight:.3f}, "
            f"max {d.max_weight:.1f}, zero {d.zero_share:.1%}; switch-DR threshold {d.switch_tau:.2f}"
        )


def _ope_on_store(
    data_dir: Path, campaign: str | None, train_fraction: float, epsilon: float, kind: str, ci: str
) -> None:
    from adcraft.cli.campaign import open_server
    from adcraft.errors import InvalidInputError
    from adcraft.personalize.offline import train_and_evaluate
    from adcraft.personalize.ope import Estimate, estimate_policy_value, weight_diagnostics
    from adcraft.personalize.report import campaign_log, policy_probabilities

    if not campaign:
        raise InvalidInputError("--data-dir needs --campaign ID (see `adcraft campaign list`)")
    server = open_server(data_dir)
    log, rows, variants = campaign_log(server, campaign)
    if len(log) < 4:
        raise InvalidInputError(
            f"campaign {campaign!r} has {len(log)} matured impressions with propensities; need at least 4"
        )
    record = server.campaigns.get(campaign)
    probs = policy_probabilities(server.policy(record), rows, variants)
    current = estimate_policy_value(log, probs, ci=ci)
    mean = float(log.rewards.mean())
    half = 1.959964 * float(log.rewards.std(ddof=1)) / len(log) ** 0.5
    base = Estimate("observed", mean, mean - half, mean + half, len(log))
    policies = [(f"current {record['settings']['policy']}", current)]
    try:
        report = train_and_evaluate(log, train_fraction, epsilon, kind, ci=ci)
        policies.append((f"ranker ε={epsilon:g} (2nd part)", report.estimates))
    except Exception as exc:  # too few clicks to train on is a fact about the data, not a crash
        from adcraft.errors import AdcraftError

        if not isinstance(exc, AdcraftError):
            raise
        policies.append((f"ranker: {exc}", []))
    _print_estimates(
        f"campaign {campaign}: {len(log)} matured impressions, {log.n_actions} variants",
        base,
        policies,
        weight_diagnostics(log, probs),
    )
