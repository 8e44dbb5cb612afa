"""CSV files for spreadsheets: UTF-8 with a byte order mark, every text cell escaped so that
a spreadsheet never runs it as a formula. Used by every CSV export of the app."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

# A spreadsheet runs a cell that starts with one of these as a formula (OWASP, CSV injection).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

BOM = "\ufeff"  # so that Excel reads the file as UTF-8 and shows accents


def csv_safe(value: object) -> str:
    """The cell as text, prefixed with a quote when a spreadsheet would run it as a formula."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_TRIGGERS) else text


def csv_document(header: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    """A UTF-8 CSV file with a byte order mark; every cell is escaped by ``csv_safe``."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([csv_safe(cell) for cell in header])
    writer.writerows([csv_safe(cell) for cell in row] for row in rows)
    return (BOM + buffer.getvalue()).encode("utf-8")
