"""Documents: HTML→PDF with WeasyPrint (CJK font, verification code, QR code, page
numbers), verification codes and hashes, and CSV/JSON/XLSX exports.

Pure library: it never imports ``credit_service``; the application passes in HTML,
rows and settings, and stores what comes back.
"""

from publication.codes import new_verification_code, normalize_code, sha256_hex
from publication.exports import Column, to_csv, to_json, to_xlsx
from publication.pdf import Stamp, render_pdf

__all__ = [
    "Column",
    "Stamp",
    "new_verification_code",
    "normalize_code",
    "render_pdf",
    "sha256_hex",
    "to_csv",
    "to_json",
    "to_xlsx",
]

from publication.tables import LongTable, render_long_table  # noqa: E402

__all__ += ["LongTable", "render_long_table"]
