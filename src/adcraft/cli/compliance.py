"""CLI command for the advertising-law checker: `adcraft check-copy`."""

from __future__ import annotations

import json
from typing import Annotated

import typer


def register(app: typer.Typer) -> None:
    """Attach this group's commands to the main app."""

    @app.command("check-copy")
    def check_copy(
        text: Annotated[str, typer.Argument(help="The ad copy to check (zh, en or both mixed).")],
        lang: Annotated[
            str | None, typer.Option(help="The copy's language, zh or en (every language's rules run).")
        ] = None,
        category: Annotated[
            str | None, typer.Option(help="Product category (drug, cosmetics, health_food, ...).")
        ] = None,
        allow: Annotated[list[str] | None, typer.Option(help="Allowed name (brand); repeatable.")] = None,
        banned: Annotated[list[str] | None, typer.Option(help="Merchant's banned word; repeatable.")] = None,
        as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
    ) -> None:
        """Check ad copy against the advertising law: each hit with its article, span and rewrite.

        Exit code 1 when a hit blocks the copy, 0 otherwise (warnings included).
        """
        from adcraft.creative.compliance import check_compliance

        report = check_compliance(
            text, lang=lang, allow_terms=allow or (), banned_terms=banned or (), category=category
        )
        if as_json:
            typer.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
        else:
            for hit in report.hits:
                article = f"art. {hit.article}" if hit.article else "merchant"
                rewrite = hit.suggestion or "(delete)"
                note = f"  [{hit.note}]" if hit.note else ""
                typer.echo(
                    f"{hit.severity}\t{article}\t[{hit.start}:{hit.end}] {hit.matched!r} -> {rewrite!r}{note}"
                )
            verdict = "blocked" if report.blocking else ("warnings" if report.hits else "ok")
            typer.echo(f"{verdict} ({report.category}): {len(report.hits)} hit(s)")
            if report.hits:
                typer.echo(f"rewrite: {report.suggest_rewrite()}")
        if report.blocking:
            raise typer.Exit(1)
