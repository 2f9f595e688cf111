"""HTML→PDF with WeasyPrint, stamped with what makes a document verifiable.

Every page carries, in its margin boxes: the issuer and title, a QR code to
``/verify/<code>``, the verification code, generation and data-as-of times, and
"第 x 页 / 共 y 页". Traps handled here (STYLE.md): the CJK font family is set on
``html`` *and* on ``@page`` (margin boxes do not inherit from ``body``); resources are
fetched only from ``data:`` URIs and the configured local asset directories.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

import segno
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

CJK_FONT_STACK = '"Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", sans-serif'

# Base styles go *before* the document's own, so a document may override them.
BASE_CSS = f"""
html {{ font-family: {CJK_FONT_STACK}; font-size: 10pt; line-height: 1.45; color: #000; }}
body {{ margin: 0; }}
h1 {{ font-size: 16pt; margin: 0 0 4mm; }}
h2 {{ font-size: 12pt; margin: 5mm 0 2mm; }}
table {{ border-collapse: collapse; width: 100%; }}
th, td {{ border: 0.5pt solid #666; padding: 1mm 1.5mm; text-align: left; vertical-align: top; }}
th {{ background: #eee; }}
thead {{ display: table-header-group; }}
tr {{ break-inside: avoid; }}
"""


@dataclass(frozen=True)
class Stamp:
    """What is printed on every page of a document."""

    issuer: str
    title: str
    code: str  # verification code, e.g. "4C7D-9KQX-FA3M"
    verify_url: str  # absolute URL of /verify/<code>, encoded in the QR code
    generated_at: str  # already formatted local time, e.g. "2026-11-26 15:30"
    data_as_of: str


def css_string(text: str) -> str:
    """A CSS string literal for ``content:`` (quotes, backslashes and newlines escaped)."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    escaped = re.sub(r"[\n\r\f]", " ", escaped)
    return f'"{escaped}"'


QR_DPI = 300


def qr_data_uri(url: str) -> str:
    """The verify URL as a QR code: a PNG (decoded once and reused by every page — an SVG
    would be re-parsed and re-drawn on each of a long list's pages), 6 px per module at
    300 dpi (0.5 mm modules), 4-module quiet zone, drawn without smoothing."""
    return segno.make(url, error="m", micro=False).png_data_uri(scale=6, border=4)


def stamp_css(stamp: Stamp) -> str:
    footer = (f"核验码 {stamp.code}　　生成时间 {stamp.generated_at}　　"
              f"数据截至 {stamp.data_as_of}　　扫码或访问 {stamp.verify_url} 核验")
    return f"""
@page {{
  margin: 26mm 14mm 18mm 14mm;
  font-family: {CJK_FONT_STACK};
  font-size: 7.5pt;
  color: #333;
  @top-left {{ content: {css_string(stamp.issuer)} "\\A" {css_string(stamp.title)};
              white-space: pre-wrap; vertical-align: bottom; padding-bottom: 2mm; }}
  @top-right {{ content: url("{qr_data_uri(stamp.verify_url)}");
               image-resolution: {QR_DPI}dpi; image-rendering: pixelated;
               vertical-align: bottom; text-align: right; padding-bottom: 1mm; }}
  @bottom-left {{ content: {css_string(footer)}; vertical-align: top; padding-top: 2mm;
                 width: 80%; }}
  @bottom-right {{ content: "第 " counter(page) " 页 / 共 " counter(pages) " 页";
                  vertical-align: top; padding-top: 2mm; white-space: nowrap; }}
}}
"""


class LocalOnlyFetcher(URLFetcher):
    """Serves ``data:`` URIs and files inside the given directories; refuses the network
    and every other path, so a hostile string in a document cannot make the renderer
    read local files or call out."""

    def __init__(self, asset_dirs=()):
        super().__init__(allowed_protocols=("data", "file"), fail_on_errors=False)
        self._roots = [Path(d).resolve() for d in asset_dirs]

    def fetch(self, url, headers=None):
        parts = urlsplit(url)
        if parts.scheme == "file":
            path = Path(unquote(parts.path)).resolve()
            if not any(path.is_relative_to(root) for root in self._roots):
                raise ValueError(f"refused non-asset file: {url}")
        elif parts.scheme != "data":
            raise ValueError(f"refused URL: {url}")
        return super().fetch(url, headers)


_HEAD = re.compile(r"<head[^>]*>", re.IGNORECASE)


def with_base_css(html: str) -> str:
    style = f"<style>{BASE_CSS}</style>"
    match = _HEAD.search(html)
    if match:
        return html[:match.end()] + style + html[match.end():]
    return style + html


def render_pdf(html: str, stamp: Stamp, *, asset_dirs=(), base_url: str | None = None,
               extra_css: str = "") -> bytes:
    """Render a complete HTML document to PDF bytes with the stamp on every page."""
    font_config = FontConfiguration()
    fetcher = LocalOnlyFetcher(asset_dirs)
    if base_url is None and asset_dirs:
        base_url = Path(next(iter(asset_dirs))).resolve().as_uri() + "/"
    document = HTML(string=with_base_css(html), base_url=base_url, url_fetcher=fetcher)
    stylesheets = [CSS(string=stamp_css(stamp) + extra_css, font_config=font_config,
                       url_fetcher=fetcher)]
    return document.write_pdf(stylesheets=stylesheets, font_config=font_config)
