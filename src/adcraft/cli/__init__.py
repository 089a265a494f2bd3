"""The `adcraft` command line: one small module per command group, each a thin adapter."""

from __future__ import annotations

import logging
import sys

import typer

from adcraft.errors import AdcraftError

app = typer.Typer(
    name="adcraft",
    help="Personalised e-commerce ad creatives from product text, offline on a CPU.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _register_commands() -> None:
    """Attach every command group once; each module owns its own commands."""
    if getattr(app, "_adcraft_registered", False):
        return
    from adcraft.cli import batch, campaign, compliance, creative, data, delivery, model, personalize, service

    for module in (model, data, creative, compliance, delivery, personalize, campaign, service, batch):
        module.register(app)
    app._adcraft_registered = True


def _usage_line(exc: Exception) -> str:
    """One line for a click/typer usage error: the command, what was wrong, where help is."""
    ctx = getattr(exc, "ctx", None)
    message = " ".join(exc.format_message().split())  # click wraps some messages over lines
    if ctx is None:
        return f"error: {message}"
    return f"error: {ctx.command_path}: {message} (see '{ctx.command_path} --help')"


def main(argv: list[str] | None = None) -> None:
    """Run the CLI; user mistakes become one line on stderr and exit code 2, never a traceback."""
    import click

    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    _register_commands()
    try:
        code = app(
            args=argv, prog_name="adcraft", standalone_mode=False
        )  # typer.Exit(n) comes back as n here
        if isinstance(code, int) and code:
            sys.exit(code)
    except AdcraftError as exc:
        typer.echo(f"error: {' '.join(str(exc).split())}", err=True)
        sys.exit(2)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except OSError as exc:  # the machine refused (disk full, permissions): one line, not a traceback
        where = f": {exc.filename}" if exc.filename else ""
        typer.echo(f"error: {exc.strerror or exc}{where}", err=True)
        sys.exit(1)
    except (typer.Abort, KeyboardInterrupt):
        typer.echo("aborted", err=True)
        sys.exit(130)
    except (typer.TyperException, click.ClickException) as exc:
        # typer bundles its own click (typer._click): its usage errors are TyperExceptions, not click's
        if type(exc).__name__ == "NoArgsIsHelpError":  # a bare group: its help is the answer
            typer.echo(exc.format_message(), err=True)
        else:
            typer.echo(_usage_line(exc), err=True)
        sys.exit(2)
