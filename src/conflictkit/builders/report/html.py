"""HTML building blocks for the report: escaping, numbers, tables, figures and the page shell.

The page is one file with its CSS inline and no script: a Content-Security-Policy in the page
itself forbids every request (scripts, fonts, images from elsewhere), so it shows the same
offline as online, and a stray reference to the network would be blocked, not fetched.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

import pandas as pd

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"

CSS = """
:root { --ink: #1d2329; --muted: #5b6670; --rule: #dde2e6; --band: #f5f7f9; --accent: #4C6A92; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--ink); background: #fff; line-height: 1.45;
  font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial,
  sans-serif; }
main { max-width: 1120px; margin: 0 auto; padding: 0 24px 48px; }
header.top { background: #243447; color: #fff; padding: 28px 0 18px; }
header.top > div { max-width: 1120px; margin: 0 auto; padding: 0 24px; }
header.top h1 { margin: 0 0 6px; font-size: 26px; font-weight: 650; }
header.top p { margin: 2px 0; color: #d4dde6; }
header.top .version { font-weight: 400; color: #b9c7d6; }
header.top code { background: #33475e; color: #fff; }
nav { margin-top: 14px; display: flex; flex-wrap: wrap; gap: 6px 18px; font-size: 14px; }
nav a { color: #fff; text-decoration: none; border-bottom: 1px solid #7f93a8; }
h2 { font-size: 21px; margin: 40px 0 4px; padding-top: 8px; border-top: 2px solid var(--ink); }
h3 { font-size: 16px; margin: 26px 0 6px; }
p.note, .note { color: var(--muted); font-size: 13.5px; margin: 4px 0 10px; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(165px, 1fr));
  gap: 10px; margin: 22px 0 6px; }
.card { background: var(--band); border-left: 4px solid var(--accent); padding: 10px 14px; }
.card .value { font-size: 24px; font-weight: 650; font-variant-numeric: tabular-nums;
  white-space: nowrap; }
.card .value.small { font-size: 16px; padding-top: 6px; white-space: normal; }
.card .label { color: var(--muted); font-size: 13px; }
figure { margin: 14px 0 18px; }
figcaption { color: var(--muted); font-size: 13px; margin-top: 2px; }
svg.chart { width: 100%; height: auto; display: block; }
.cols { display: grid; grid-template-columns: repeat(auto-fit, minmax(420px, 1fr));
  gap: 8px 32px; align-items: start; }
table { border-collapse: collapse; width: 100%; font-size: 13.5px; margin: 6px 0 12px; }
caption { text-align: left; font-weight: 600; padding: 4px 0; }
th, td { padding: 4px 8px; border-bottom: 1px solid var(--rule); vertical-align: top; }
th { text-align: left; background: var(--band); font-weight: 600; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.pos { color: #8c1d18; } td.neg { color: #1f4e79; }
tr.total td { font-weight: 650; border-top: 2px solid var(--ink); }
.none { color: var(--muted); font-style: italic; }
footer { color: var(--muted); font-size: 12.5px; border-top: 1px solid var(--rule);
  margin-top: 48px; padding-top: 10px; }
code { font-size: 90%; background: var(--band); padding: 1px 4px; }
@media print { header.top { background: none; color: var(--ink); }
  header.top p, header.top .version, nav a { color: var(--ink); } }
"""


def number(value: int | float | None) -> str:
    """1234567 -> '1,234,567' (a dash for unknown)."""
    if value is None or (isinstance(value, float) and value != value):
        return "–"
    return f"{int(value):,}"


def signed(value: int) -> str:
    """+1,234 / −56 / 0 (with a real minus sign)."""
    if value > 0:
        return f"+{value:,}"
    return f"−{-value:,}" if value < 0 else "0"


def percent(part: int, whole: int) -> str:
    if not whole:
        return "–"
    share = part / whole * 100
    return f"{share:.1f}%" if share < 10 else f"{share:.0f}%"


def card(value: str, label: str) -> str:
    size = " small" if len(value) > 11 else ""  # a date range or a triple of counts
    return (f'<div class="card"><div class="value{size}">{escape(value)}</div>'
            f'<div class="label">{escape(label)}</div></div>')


def cards(items: Sequence[tuple[str, str]]) -> str:
    return '<div class="cards">' + "".join(card(v, label) for v, label in items) + "</div>"


def none(text: str) -> str:
    return f'<p class="none">{escape(text)}</p>'


def note(text: str) -> str:
    """A note; `text` is HTML (callers escape what they put in)."""
    return f'<p class="note">{text}</p>'


def figure(svg: str, caption: str) -> str:
    return f"<figure>\n{svg}<figcaption>{escape(caption)}</figcaption>\n</figure>\n"


_NUM = ' class="n"'


def table(frame: pd.DataFrame, columns: Sequence[tuple[str, str, str]], *, caption: str = "",
          total: dict[str, str] | None = None, rank: bool = False) -> str:
    """A table from `frame`; `columns` are (column, heading, kind) with kind "text",
    "number" (thousands separators), "number_text" (preformatted, right-aligned), "delta"
    (signed, coloured) or "html" (already markup)."""
    head = ("<th class=\"n\">#</th>" if rank else "") + "".join(
        f"<th{_NUM if kind != 'text' else ''}>{escape(heading)}</th>"
        for _, heading, kind in columns)
    rows = []
    for i, record in enumerate(frame.to_dict(orient="records"), start=1):
        cells = [f'<td class="n">{i}</td>'] if rank else []
        for name, _, kind in columns:
            value = record[name]
            if kind == "number":
                cells.append(f'<td class="n">{number(value)}</td>')
            elif kind == "delta":
                css = "n pos" if value > 0 else "n neg" if value < 0 else "n"
                cells.append(f'<td class="{css}">{signed(int(value))}</td>')
            elif kind == "number_text":
                cells.append(f'<td class="n">{escape(str(value))}</td>')
            elif kind == "html":
                cells.append(f"<td>{value}</td>")
            else:
                cells.append(f"<td>{escape('' if value is None else str(value))}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    if total is not None:
        cells = (['<td></td>'] if rank else []) + [
            f"<td{_NUM if kind != 'text' else ''}>{escape(total.get(name, ''))}</td>"
            for name, _, kind in columns]
        rows.append('<tr class="total">' + "".join(cells) + "</tr>")
    title = f"<caption>{escape(caption)}</caption>" if caption else ""
    return (f"<table>{title}<thead><tr>{head}</tr></thead><tbody>\n" + "\n".join(rows)
            + "\n</tbody></table>\n")


def page(title: str, header: str, body: str, footer: str) -> str:
    """The whole document."""
    return (
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        f"<meta http-equiv=\"Content-Security-Policy\" content=\"{CSP}\">\n"
        f"<title>{escape(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
        f"<header class=\"top\"><div>\n{header}</div></header>\n<main>\n{body}"
        f"<footer>{footer}</footer>\n</main>\n</body>\n</html>\n"
    )
