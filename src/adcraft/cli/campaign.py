"""`adcraft campaign`: create, choose, learn and report on campaigns in the same store the API uses."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Annotated

import typer

DataDir = Annotated[
    Path,
    typer.Option("--data-dir", envvar="ADCRAFT_DATA_DIR", help="Data folder (the service's database)."),
]
DEFAULT_DATA_DIR = Path("adcraft-data")  # the same default as `adcraft serve`


def open_server(data_dir: Path):
    """The CampaignServer over the store in data_dir (ADCRAFT_DATABASE_URL picks another database)."""
    from adcraft.personalize.serving import CampaignServer
    from adcraft.store import Store

    return CampaignServer(Store(data_dir, os.environ.get("ADCRAFT_DATABASE_URL") or None))


def _read_spec(path: Path) -> dict:
    import yaml

    from adcraft.errors import InvalidInputError

    if not path.is_file():
        raise InvalidInputError(f"campaign file {str(path)!r} does not exist")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise InvalidInputError(f"{path}: not valid YAML/JSON ({exc.__class__.__name__})") from None
    if not isinstance(data, dict):
        raise InvalidInputError(f"{path}: expected a mapping with id, segments and variants")
    return data


def print_report(report: dict) -> None:
    """A campaign report as rich tables."""
    from rich.console import Console
    from rich.table import Table

    console = Console()
    table = Table(
        title=f"campaign {report['campaign_id']}: {report['impressions']} impressions, "
        f"{report['clicks']} clicks, policy {report['policy']} (95% intervals)"
    )
    for column in ("segment", "variant", "impr.", "clicks", "CTR", "CTR 95%", "P(best)", "lift vs control"):
        table.add_column(column, justify="left" if column in ("segment", "variant") else "right")
    for v in report["variants"]:
        lift = (
            "control" if v["control"] else f"{v['lift']:+.0%} [{v['lift_low']:+.0%}, {v['lift_high']:+.0%}]"
        )
        table.add_row(
            v["segment"],
            v["variant"],
            str(v["impressions"]),
            str(v["clicks"]),
            f"{v['ctr']:.4f}",
            f"[{v['ctr_low']:.4f}, {v['ctr_high']:.4f}]",
            f"{v['p_best']:.2f}",
            lift,
        )
    console.print(table)
    value = report["policy_value"]
    if value:
        logged = f"{value['logged_ctr']:.4f} [{value['logged_ctr_low']:.4f}, {value['logged_ctr_high']:.4f}]"
        low, high = value["estimated_ctr_low"], value["estimated_ctr_high"]
        estimated = f"{value['estimated_ctr']:.4f} [{low:.4f}, {high:.4f}]"
        console.print(
            f"logged CTR {logged}; current policy, estimated ({value['estimator']}, "
            f"{value['n']} matured impressions): {estimated}"
        )
    console.print(f"feedback: {json.dumps(report['feedback'])}; rejected: {json.dumps(report['rejected'])}")


def register(app: typer.Typer) -> None:
    """Attach this group's commands to the main app."""
    campaign = typer.Typer(help="Campaigns: variants served with logged propensities.", no_args_is_help=True)

    @campaign.command("create")
    def create(
        spec: Annotated[Path, typer.Argument(help="YAML/JSON: id, segments, variants, settings, control.")],
        data_dir: DataDir = DEFAULT_DATA_DIR,
    ) -> None:
        """Create a campaign from a spec file."""
        out = open_server(data_dir).create(_read_spec(spec))
        typer.echo(
            f"created campaign {out['id']} with {len(out['variants'])} variants "
            f"for segments {', '.join(out['segments'])}"
        )

    @campaign.command("list")
    def list_(data_dir: DataDir = DEFAULT_DATA_DIR) -> None:
        """List campaigns."""
        for c in open_server(data_dir).campaigns.list():
            typer.echo(f"{c['id']}\t{c['name']}\t{','.join(c['segments'])}")

    @campaign.command("choose")
    def choose(
        campaign_id: Annotated[str, typer.Argument(help="Campaign id.")],
        segment: Annotated[str, typer.Option("--segment", help="One of the campaign's segments.")],
        placement: Annotated[str | None, typer.Option("--placement", help="Placement name.")] = None,
        context: Annotated[
            list[str] | None, typer.Option("--context", help="Request feature KEY=VALUE (repeatable).")
        ] = None,
        user_id: Annotated[str | None, typer.Option("--user-id", help="For the fatigue guard.")] = None,
        data_dir: DataDir = DEFAULT_DATA_DIR,
    ) -> None:
        """Choose a variant for a context, log the impression, print the choice as JSON."""
        from adcraft.errors import InvalidInputError

        pairs = {}
        for item in context or []:
            key, sep, value = item.partition("=")
            if not sep or not key:
                raise InvalidInputError(f"--context {item!r} must be KEY=VALUE")
            pairs[key] = value
        out = open_server(data_dir).choose(campaign_id, segment, placement, pairs, user_id)
        typer.echo(json.dumps(out, ensure_ascii=False))

    @campaign.command("learn")
    def learn(campaign_id: Annotated[str, typer.Argument()], data_dir: DataDir = DEFAULT_DATA_DIR) -> None:
        """Fold impressions whose attribution window has closed into the policy."""
        typer.echo(f"learned {open_server(data_dir).learn(campaign_id)} impressions")

    @campaign.command("report")
    def report(
        campaign_id: Annotated[str, typer.Argument()],
        csv_out: Annotated[Path | None, typer.Option("--csv", help="Also write the table as CSV.")] = None,
        data_dir: DataDir = DEFAULT_DATA_DIR,
    ) -> None:
        """Per-variant CTR with intervals, P(best), lift over control and the policy's estimated value."""
        from adcraft.personalize.report import campaign_report, report_csv

        out = campaign_report(open_server(data_dir), campaign_id)
        print_report(out)
        if csv_out is not None:
            csv_out.parent.mkdir(parents=True, exist_ok=True)
            csv_out.write_text(report_csv(out), encoding="utf-8")
            typer.echo(f"wrote {csv_out}")

    app.add_typer(campaign, name="campaign")
