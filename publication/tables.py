"""Long tables (lists with 1,000+ entries) as PDF, fast.

A naive WeasyPrint table spends most of its time in automatic column sizing (every cell
laid out twice for min/max widths) and in line breaking. Here: ``table-layout: fixed``
with ``<col>`` widths; the HTML is built directly (no template engine), escaped.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from publication.pdf import Stamp, render_pdf


@dataclass(frozen=True)
class LongTable:
    title: str
    headers: list[str]
    widths: list[float]  # relative column widths
    rows: list[list[str]]
    intro: str = ""
    landscape: bool = True


TABLE_CSS = """
@page { size: A4 %(orientation)s; }
html { font-size: 7.5pt; line-height: 1.3; }
h1 { font-size: 14pt; margin: 0 0 2mm; }
p.intro { margin: 0 0 2mm; color: #333; }
table.long { table-layout: fixed; width: 100%%; border-collapse: collapse; }
table.long th, table.long td { border: 0.4pt solid #777; padding: 0.6mm 1mm; overflow-wrap: anywhere; }
table.long th { background: #e8e8e8; font-weight: bold; }
"""


def long_table_html(table: LongTable) -> str:
    total = sum(table.widths) or 1
    cols = "".join(f'<col style="width:{w * 100 / total:.2f}%">' for w in table.widths)
    head = "".join(f"<th>{escape(h)}</th>" for h in table.headers)
    body = "".join(
        "<tr>" + "".join(f"<td>{escape(cell)}</td>" for cell in row) + "</tr>"
        for row in table.rows
    )
    css = TABLE_CSS % {"orientation": "landscape" if table.landscape else "portrait"}
    return (
        f"<!doctype html><html lang=zh-CN><head><meta charset=utf-8>"
        f"<title>{escape(table.title)}</title><style>{css}</style></head><body>"
        f"<h1>{escape(table.title)}</h1><p class=intro>{escape(table.intro)}</p>"
        f'<table class="long"><colgroup>{cols}</colgroup><thead><tr>{head}</tr></thead>'
        f"<tbody>{body}</tbody></table></body></html>"
    )


def render_long_table(*, title: str, headers: list[str], widths: list[float],
                      rows: list[list[str]], stamp: Stamp, intro: str = "",
                      landscape: bool = True) -> bytes:
    table = LongTable(title=title, headers=headers, widths=widths, rows=rows, intro=intro,
                      landscape=landscape)
    return render_pdf(long_table_html(table), stamp)
