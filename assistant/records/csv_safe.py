"""CSV that is safe to open in Excel/WPS: a cell of free text starting with `=`, `+`, `-`, `@`, a
tab or a carriage return would be read as a formula (=HYPERLINK(...), DDE), so such a cell gets a
leading apostrophe, the OWASP way; the spreadsheet shows the text as it was typed. Numbers
(int/float) are written as they are: -3 stays a number."""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")


def safe_cell(value):
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_text(rows: Iterable[Iterable]) -> str:
    """Every CSV export goes through here: rows → CSV text with each cell neutralised."""
    out = io.StringIO()
    # CRLF, as RFC 4180 and Excel have it: a cell holding a bare CR or LF then gets quoted
    writer = csv.writer(out, lineterminator="\r\n")
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
    return out.getvalue()
