"""Reading generated PDFs the way a citizen's phone would: text, fonts, QR code."""

from __future__ import annotations

import io

import pypdf
import pypdfium2
import zxingcpp


def pdf_text(data: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def pdf_fonts(data: bytes) -> set[str]:
    """Base names of the fonts embedded (with a font file) in the PDF."""
    reader = pypdf.PdfReader(io.BytesIO(data))
    names = set()
    for page in reader.pages:
        fonts = page["/Resources"].get("/Font") or {}
        for ref in fonts.values():
            font = ref.get_object()
            descriptors = [font.get("/FontDescriptor")]
            for descendant in font.get("/DescendantFonts") or []:
                descriptors.append(descendant.get_object().get("/FontDescriptor"))
            for descriptor in descriptors:
                if descriptor is None:
                    continue
                descriptor = descriptor.get_object()
                if any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")):
                    names.add(str(font["/BaseFont"]))
    return names


def has_cjk_font(data: bytes) -> bool:
    return any("CJK" in name for name in pdf_fonts(data))


def qr_codes(data: bytes, page: int = 0) -> list[str]:
    document = pypdfium2.PdfDocument(data)
    try:
        image = document[page].render(scale=200 / 72).to_pil()
    finally:
        document.close()
    return [result.text for result in zxingcpp.read_barcodes(image)]


def page_count(data: bytes) -> int:
    return len(pypdf.PdfReader(io.BytesIO(data)).pages)


def pdf_compact(data: bytes) -> str:
    """Extracted text without any whitespace: table cells wrap names over lines."""
    return "".join(pdf_text(data).split())
