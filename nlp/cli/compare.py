"""`govreport compare STORE --issuer NAME [--years 2021 2022]`: one issuer across years."""
from __future__ import annotations

import re
from pathlib import Path
from typing import List, Optional

import typer

from . import app, fail
from ..errors import GovReportError

_YEAR = re.compile(r"^\d{4}$")


def parse_years(values: list[str]) -> list[int]:
    """``2021``, ``2021,2022`` and ``2021-2023`` (inclusive) as a sorted list of years."""
    years: set[int] = set()
    for value in values:
        for part in filter(None, re.split(r"[,\s]+", value)):
            m = re.fullmatch(r"(\d{4})(?:-(\d{4}))?", part)
            if not m:
                raise ValueError(f"not a year or year range: {part!r}")
            lo, hi = int(m.group(1)), int(m.group(2) or m.group(1))
            years.update(range(min(lo, hi), max(lo, hi) + 1))
    return sorted(years)


def split_store_and_years(args: list[str]) -> tuple[str, list[str]]:
    """``--years 2021 2022``: click gives the second year as a positional argument."""
    stores = [a for a in args if not _YEAR.match(a)]
    if len(stores) != 1:
        raise ValueError("give exactly one STORE (an .sqlite file or a postgresql:// URL)")
    return stores[0], [a for a in args if _YEAR.match(a)]


def _safe_name(name: str) -> str:
    return re.sub(r'[\\/:*?"<>|\s]+', "_", name).strip("._") or "issuer"


@app.command()
def compare(
    args: List[str] = typer.Argument(..., metavar="STORE", help="An SQLite store or a postgresql:// URL."),
    issuer: Optional[str] = typer.Option(None, "--issuer", help="Issuer name; 会同县, 会同县人民政府 and "
                                         "会同县人民政府办公室 are one issuer (rules: configs/issuers.yaml)."),
    years: Optional[List[str]] = typer.Option(None, "--years", help="Years to compare: --years 2021 2022, "
                                              "2021,2022 or 2021-2023 (default: every year stored)."),
    all_issuers: bool = typer.Option(False, "--all", help="One comparison per issuer, written to the folder -o."),
    fmt: str = typer.Option("table", "--format", "-f", help="table, json, csv or html."),
    output: Optional[str] = typer.Option(None, "-o", "--output", help="Output file (default: stdout); "
                                         "with --all a folder (default: compare/)."),
) -> None:
    """Compare one issuer's reports year over year (fields, checks, labels, repeated problems)."""
    from ..views.compare import Comparer
    from ..views.compare_format import FORMATS, SUFFIX, render
    from ..views.queries import open_sql_store

    if fmt not in FORMATS:
        fail(f"unknown --format {fmt!r} (use {', '.join(FORMATS)})")
    try:
        store_url, extra_years = split_store_and_years(args)
        if extra_years and not years:
            raise ValueError(f"unexpected argument(s): {' '.join(extra_years)} (years go after --years)")
        wanted = parse_years([*(years or []), *extra_years]) or None
    except ValueError as e:
        fail(str(e))
    if all_issuers == bool(issuer):
        fail("give either --issuer NAME or --all")
    try:
        store = open_sql_store(store_url)
        try:
            comparer = Comparer(store)
            if not all_issuers:
                text = render(comparer.compare(issuer, wanted), fmt)
                if output:
                    Path(output).write_text(text, encoding="utf-8")
                else:
                    typer.echo(text, nl=False)
                return
            folder = Path(output or "compare")
            folder.mkdir(parents=True, exist_ok=True)
            written = 0
            for name in comparer.issuers():
                try:
                    result = comparer.compare(name, wanted)
                except GovReportError as e:  # e.g. no document in the years asked for
                    typer.echo(f"skipped {name}: {e}", err=True)
                    continue
                (folder / (_safe_name(name) + SUFFIX[fmt])).write_text(render(result, fmt), encoding="utf-8")
                written += 1
            typer.echo(f"{written} comparisons -> {folder}", err=True)
        finally:
            store.close()
    except (GovReportError, OSError) as e:
        fail(str(e))
