"""Small helpers for the self-contained HTML pages: one file, inline CSS/JS/SVG, and a
Content-Security-Policy that forbids the page from loading anything from anywhere."""
from __future__ import annotations

import unicodedata
from html import escape
from typing import Iterable, Sequence

# Inline styles and scripts only, images only as data: URIs; no fetch, no frames, no fonts.
CSP = ("default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; "
       "img-src data:; base-uri 'none'; form-action 'none'")

BASE_CSS = """
body{font-family:"Noto Sans CJK SC","WenQuanYi Micro Hei","Microsoft YaHei",sans-serif;margin:0;
 color:#222;background:#fff;line-height:1.6}
header{background:#263238;color:#fff;padding:12px 24px}
header h1{font-size:20px;margin:0}
header .meta{font-size:13px;color:#cfd8dc}
main{padding:16px 24px;max-width:1200px}
h2{font-size:17px;border-bottom:2px solid #cfd8dc;padding-bottom:2px;margin-top:28px}
table.data{border-collapse:collapse;font-size:13px;margin:8px 0}
table.data th,table.data td{border:1px solid #cfd8dc;padding:3px 6px;text-align:left;vertical-align:top}
table.data th{background:#eceff1}
td.num{text-align:right;font-variant-numeric:tabular-nums}
.up{color:#b71c1c}.down{color:#1b5e20}.same{color:#777}
.chip{display:inline-block;border-radius:8px;padding:0 6px;margin:1px 2px;font-size:11px;border:1px solid #bbb}
.muted{color:#777;font-size:12px}
svg text{font-family:inherit}
"""


def esc(value: object) -> str:
    return "" if value is None else escape(str(value), quote=True)


def page(title: str, body: str, css: str = "", script: str = "", subtitle: str = "") -> str:
    """A whole HTML document; nothing in it refers to anything outside the file."""
    sub = f'<div class="meta">{subtitle}</div>' if subtitle else ""
    js = f"<script>{script}</script>" if script else ""
    return (
        "<!DOCTYPE html>\n"
        '<html lang="zh-CN"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<title>{esc(title)}</title><style>{BASE_CSS}{css}</style></head>"
        f"<body><header><h1>{esc(title)}</h1>{sub}</header><main>{body}</main>{js}</body></html>\n"
    )


def table(headers: Sequence[str], rows: Iterable[Sequence[object]], classes: Sequence[str] = (),
          raw: bool = False) -> str:
    """An HTML table; cell values are escaped unless ``raw`` (already HTML)."""
    head = "".join(f"<th>{esc(h)}</th>" for h in headers)
    out = [f'<table class="data"><thead><tr>{head}</tr></thead><tbody>']
    for row in rows:
        cells = []
        for i, v in enumerate(row):
            cls = f' class="{classes[i]}"' if i < len(classes) and classes[i] else ""
            cells.append(f"<td{cls}>{v if raw else esc(v)}</td>")
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def text_width(s: str, size: int = 12) -> float:
    """Rough rendered width: CJK characters are square, others about 0.6 em."""
    return sum(size if unicodedata.east_asian_width(c) in "WF" else 0.6 * size for c in s)


def bar_chart(title: str, bars: Sequence[tuple[str, float]], width: int = 560, bar_height: int = 22,
              colour: str = "#5c6bc0", fmt: str = "{:g}", max_value: float | None = None) -> str:
    """A horizontal bar chart as inline SVG: one labelled bar per (label, value)."""
    label_w = min(max([60.0] + [text_width(label) + 12 for label, _ in bars]), width / 2)
    pad, top = 8, 26
    height = top + len(bars) * (bar_height + 4) + pad
    top_value = max_value or max((v for _, v in bars), default=0) or 1
    scale = (width - label_w - 70) / top_value
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img" '
             f'aria-label="{esc(title)}" class="chart">',
             f'<text x="0" y="16" font-size="14" font-weight="bold">{esc(title)}</text>']
    for i, (label, value) in enumerate(bars):
        y = top + i * (bar_height + 4)
        w = max(value * scale, 0)
        parts.append(f'<text x="{label_w - 6:.1f}" y="{y + bar_height * 0.7:.1f}" font-size="12" '
                     f'text-anchor="end">{esc(label)}</text>')
        parts.append(f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{bar_height}" fill="{colour}">'
                     f"<title>{esc(label)}: {esc(fmt.format(value))}</title></rect>")
        parts.append(f'<text x="{label_w + w + 4:.1f}" y="{y + bar_height * 0.7:.1f}" font-size="12">'
                     f"{esc(fmt.format(value))}</text>")
    parts.append("</svg>")
    return "".join(parts)


def fmt_number(v: float | int | None) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return f"{v:,}" if isinstance(v, int) else f"{v:,.2f}"
