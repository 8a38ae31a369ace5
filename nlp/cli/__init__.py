"""The `govreport` command: a thin layer over the Python API.

Each subcommand lives in its own module and registers itself on ``app`` when imported.
"""
from __future__ import annotations

import sys

import typer

from ..errors import GovReportError

app = typer.Typer(
    name="govreport",
    help="Turn Chinese government information-disclosure annual reports into data.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def _root() -> None:
    """Turn Chinese government information-disclosure annual reports into data."""


def fail(message: str, code: int = 1) -> None:
    """Print one clear error line and exit non-zero."""
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


# Subcommands register themselves on import (one module each).
from . import tag  # noqa: E402,F401
from . import segment, train_segmenter, train, evaluate, pretrain, annotate  # noqa: E402,F401
from . import facts  # noqa: E402,F401
from . import export, export_model  # noqa: E402,F401
from . import compare, review, overview  # noqa: E402,F401


def main() -> None:
    try:
        app()
    except GovReportError as e:
        typer.echo(f"error: {e}", err=True)
        sys.exit(1)
    except KeyboardInterrupt:
        typer.echo("interrupted", err=True)
        sys.exit(130)
