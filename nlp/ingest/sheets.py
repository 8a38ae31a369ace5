"""Spreadsheets: ``.xlsx`` via openpyxl, ``.xls`` via xlrd. Each visible sheet becomes a table
grid (merged cells kept once, empty rows and columns dropped); one-cell rows above and below
it (the table's title, 填报单位, 填表人…) become lines. Numbers are written as the sheet shows
them: 12.0 → 12, a percent format 0.25 → 25%."""
from __future__ import annotations

import datetime as dt
import io
import zipfile
from typing import Iterable

from ..errors import ReadError
from .blocks import Grid, Line, SourceBuilder

INSTALL_HINT = "pip install 'govreport-nlp[office]'"


def read_xlsx(data: bytes, path: str) -> tuple[str, list[Line | Grid]]:
    try:
        import openpyxl
    except ImportError:
        raise ReadError(path, f"reading .xlsx needs openpyxl ({INSTALL_HINT})") from None
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise ReadError(path, "an encrypted .xlsx or an old binary .xls file; save it as an unprotected .xlsx")
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as e:
        raise ReadError(path, f"corrupted .xlsx ({type(e).__name__}: {e})") from None
    except Exception as e:  # openpyxl raises many types on damaged packages
        raise ReadError(path, f"corrupted .xlsx ({type(e).__name__}: {e})") from None
    sheets = []
    for ws in book.worksheets:
        if ws.sheet_state != "visible":
            continue
        sheets.append([[_xlsx_value(c) for c in row] for row in ws.iter_rows()])
    return _blocks(sheets)


def read_xls(data: bytes, path: str) -> tuple[str, list[Line | Grid]]:
    try:
        import xlrd
    except ImportError:
        raise ReadError(path, f"reading .xls needs xlrd ({INSTALL_HINT})") from None
    if data[:4] == b"PK\x03\x04":
        return read_xlsx(data, path)
    try:
        book = xlrd.open_workbook(file_contents=data, on_demand=True)
    except Exception as e:  # xlrd.XLRDError, struct errors, CompDocError on damaged files
        reason = str(e)[:200]
        if "encrypt" in reason.lower() or "password" in reason.lower():
            raise ReadError(path, "encrypted .xls (password protected)") from None
        raise ReadError(path, f"corrupted .xls ({type(e).__name__}: {reason})") from None
    sheets = []
    for k in range(book.nsheets):
        sh = book.sheet_by_index(k)
        if getattr(sh, "visibility", 0):
            continue
        sheets.append([[_xls_value(sh.cell(r, c), book.datemode, xlrd) for c in range(sh.ncols)]
                       for r in range(sh.nrows)])
    return _blocks(sheets)


def _xlsx_value(cell) -> str:
    v = cell.value
    if v is None:
        return ""
    if isinstance(v, bool):
        return str(v).upper()
    if isinstance(v, (int, float)):
        return _number(v, "%" in (cell.number_format or ""))
    if isinstance(v, (dt.datetime, dt.date)):
        return v.date().isoformat() if isinstance(v, dt.datetime) else v.isoformat()
    return str(v).strip()


def _xls_value(cell, datemode: int, xlrd) -> str:
    if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK, xlrd.XL_CELL_ERROR):
        return ""
    if cell.ctype == xlrd.XL_CELL_NUMBER:
        return _number(cell.value, False)
    if cell.ctype == xlrd.XL_CELL_DATE:
        try:
            return xlrd.xldate.xldate_as_datetime(cell.value, datemode).date().isoformat()
        except (ValueError, OverflowError):
            return _number(cell.value, False)
    if cell.ctype == xlrd.XL_CELL_BOOLEAN:
        return "TRUE" if cell.value else "FALSE"
    return str(cell.value).strip()


def _number(v: float, percent: bool) -> str:
    if percent:
        v = v * 100
    text = str(int(v)) if float(v).is_integer() else f"{v:.10g}"
    return text + ("%" if percent else "")


def _blocks(sheets: Iterable[list[list[str]]]) -> tuple[str, list[Line | Grid]]:
    src = SourceBuilder()
    blocks: list[Line | Grid] = []
    for rows in sheets:
        rows = [r for r in rows if any(c for c in r)]
        used = [j for j in range(max((len(r) for r in rows), default=0)) if any(j < len(r) and r[j] for r in rows)]
        rows = [[r[j] if j < len(r) else "" for j in used] for r in rows]
        multi = [i for i, r in enumerate(rows) if sum(1 for c in r if c) >= 2]
        if not multi:
            blocks.extend(Line([src.add(" ".join(c for c in r if c))]) for r in rows)
            continue
        first, last = multi[0], multi[-1]
        blocks.extend(Line([src.add(next(c for c in r if c))]) for r in rows[:first])
        blocks.append(Grid([[[src.add(c, sep="\t")] if c else [] for c in r] for r in rows[first:last + 1]]))
        blocks.extend(Line([src.add(next(c for c in r if c))]) for r in rows[last + 1:])
    return src.text(), blocks

