"""CLI commands for personalisation: market simulation, off-policy evaluation and event-log import."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def _pm(mean: float, spread: float, fmt: str) -> str:
    return f"{mean:{fmt}} ± {spread:{fmt}}"


def register(app: typer.Typer) -> None:
    """Attach this group's commands to the main app."""

    @app.command()
    def simulate(
        impressions: Annotated[
            int, typer.Option("--impressions", help="Impressions per simulated market.")
        ] = 20000,
        seeds: Annotated[int, typer.Option("--seeds", help="Markets (seeds) to average over.")] = 3,
        batch_size: Annotated[
            int, typer.Option("--batch-size", help="Impressions between policy updates.")
        ] = 200,
        out: Annotated[Path, typer.Option("--out", help="Folder for regret_curve.png.")] = Path("simulation"),
    ) -> None:
        """Race random, best-fixed, per-segment Thompson and contextual Thompson on a simulated market."""
        from rich.console import Console
        from rich.progress import Progress
        from rich.table import Table

        from adcraft.errors import InvalidInputError
        from adcraft.personalize.plot import draw_regret_curves
        from adcraft.personalize.simulator import simulate as run

        if seeds < 1:
            raise InvalidInputError(f"--seeds {seeds} must be at least 1")
        with Progress(transient=True) as progress:
            task = progress.add_task("simulating", total=seeds)
            summaries = run(impressions, seeds, batch_size, progress=lambda _: progress.advance(task))
        table = Table(title=f"{impressions} impressions × {seeds} seed(s) (mean ± std over seeds)")
        for column in (
            "policy",
            "CTR",
            "lift vs random",
            "cum. regret",
            "regret 2nd half / 1st",
            "log-log slope",
        ):
            table.add_column(
                column, justify="left" if column == "policy" else "right", no_wrap=column == "policy"
            )
        for s in summaries:
            table.add_row(
                s.policy,
                _pm(s.ctr_mean, s.ctr_std, ".4f"),
                f"{s.lift_vs_random:.2f}×",
                _pm(s.regret_mean, s.regret_std, ".1f"),
                f"{s.half_ratio:.2f}",
                f"{s.loglog_slope:.2f}",
            )
        console = Console()
        console.print(table)
        path = draw_regret_curves({s.policy: s.curve for s in summaries}, Path(out) / "regret_curve.png")
        console.print(f"regret curve: {path}")

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
        campaign: Annotated[
            str, typer.Option("--campaign", help="OBD sample campaign: all, men or women.")
        ] = "all",
        train_fraction: Annotated[
            float, typer.Option("--train-fraction", help="Leading share of the log to train on.")
        ] = 0.5,
        epsilon: Annotated[
            float, typer.Option("--epsilon", help="Exploration share of the trained policy.")
        ] = 0.1,
        kind: Annotated[str, typer.Option("--ranker", help="Reward model: logistic or hgb.")] = "logistic",
        ci: Annotated[
            str, typer.Option("--ci", help="Confidence intervals: normal or bootstrap.")
        ] = "normal",
    ) -> None:
        """Train a policy on the first part of a log and estimate its CTR on the rest (IPS, SNIPS, DR)."""
        from rich.console import Console
        from rich.table import Table

        from adcraft.errors import InvalidInputError
        from adcraft.personalize.offline import load_obd_sample, read_log, train_and_evaluate

        if (log_file is None) == (not obp_sample):
            raise InvalidInputError("give either a LOG file or --obp-sample, not both and not neither")
        log = load_obd_sample(campaign) if obp_sample else read_log(log_file, item_context)
        report = train_and_evaluate(log, train_fraction, epsilon, kind, ci=ci)
        table = Table(
            title=f"trained on {report.n_train} rows, evaluated on {report.n_eval} rows, "
            f"{report.n_actions} actions (95% CI)"
        )
        for column in ("policy", "estimator", "CTR", "95% CI", "vs logging"):
            table.add_column(
                column, justify="left" if column in ("policy", "estimator") else "right", no_wrap=True
            )
        base = report.logging_ctr
        table.add_row(
            "logging", "observed", f"{base.value:.5f}", f"[{base.ci_low:.5f}, {base.ci_high:.5f}]", "1.00×"
        )
        for e in report.estimates:
            ratio = e.value / base.value if base.value > 0 else float("nan")
            table.add_row(
                f"ranker ε={epsilon:g}",
                e.estimator,
                f"{e.value:.5f}",
                f"[{e.ci_low:.5f}, {e.ci_high:.5f}]",
                f"{ratio:.2f}×",
            )
        Console().print(table)

    events = typer.Typer(help="Impression event logs.", no_args_is_help=True)

    @events.command("import")
    def import_(
        file: Annotated[Path, typer.Argument(help="CSV or Parquet log: creative_id, segment, clicked, ...")],
        state: Annotated[
            Path | None, typer.Option("--state", help="Thompson state JSON to update with the events.")
        ] = None,
        max_errors: Annotated[int, typer.Option("--max-errors", help="Rejected rows to list.")] = 20,
    ) -> None:
        """Validate an impression log; list rejected rows; optionally fold the valid ones into a bandit state."""
        from adcraft.personalize.bandits import ThompsonSelector
        from adcraft.personalize.events import import_events

        report = import_events(file)
        for error in report.errors[:max_errors]:
            typer.echo(f"rejected {error}", err=True)
        clicks = sum(e.clicked for e in report.events)
        typer.echo(
            f"kept {len(report.events)} of {report.n_rows} rows ({clicks} clicks), "
            f"rejected {len(report.errors)}"
        )
        if state is not None:
            ThompsonSelector.update_file(state, report.events)
            typer.echo(f"updated {state}")

    app.add_typer(events, name="events")
