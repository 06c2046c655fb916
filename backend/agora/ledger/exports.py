"""A monthly statement as a file: CSV (for spreadsheets and accounting) and PDF (to keep).

Both render the same Statement (agora.ledger.selectors.vendor_statement): per currency the
opening balance, the month's entries and the closing balance. Dates and times are the shop's
(TIME_ZONE), as the months are cut: an entry is dated in the month it is listed in.

The PDF embeds DejaVu Sans (fonts/, with its licence), subset to the glyphs it uses, so names and
reasons in any script DejaVu covers (Latin, Greek, Cyrillic, ...) print as written. DejaVu has no
Chinese, Japanese or Korean glyphs: fpdf2 leaves such characters out of the PDF (blank) and logs a
warning naming them; the JSON and CSV statements carry them."""

import csv
import io
from datetime import UTC, datetime, time
from pathlib import Path

from django.utils import timezone
from fpdf import FPDF

from agora.core.money import money_text
from agora.ledger.models import LedgerEntry
from agora.ledger.selectors import Statement

CSV_HEADER = ["date", "type", "amount", "currency", "order", "reference", "available_at", "description"]
# Spreadsheets run cells starting with these as formulas (CSV injection): such text is quoted.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(text: str) -> str:
    return "'" + text if text.startswith(_FORMULA_START) else text


def _reference(e: LedgerEntry) -> str:
    if e.payout_id:
        return f"payout {e.payout_id}"
    if e.refund_id:
        return f"refund {e.refund_id}"
    if e.vendor_order_id:
        return f"sub-order {e.vendor_order_id}"
    return ""


def _label(type_: str) -> str:
    return LedgerEntry.Type(type_).label


def statement_csv(statement: Statement) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    first_day = statement.month.isoformat()
    for cur in statement.currencies:
        writer.writerow([first_day, "opening_balance", money_text(cur.opening_balance), cur.currency, "", "", "", ""])
        for e in (e for e in statement.entries if e.currency == cur.currency):
            writer.writerow(
                [
                    timezone.localdate(e.created_at).isoformat(),
                    e.type,
                    money_text(e.amount),
                    e.currency,
                    e.order.number if e.order_id and e.order else "",
                    _reference(e),
                    timezone.localtime(e.available_at).isoformat(),
                    _cell(e.reason),
                ]
            )
        writer.writerow(["", "closing_balance", money_text(cur.closing_balance), cur.currency, "", "", "", ""])
    return out.getvalue().encode("utf-8")


_FONTS = Path(__file__).resolve().parent / "fonts"
_FONT = "DejaVu"
# fpdf2 style -> the face drawn for it; the statement uses these three.
_FONT_FACES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf", "I": "DejaVuSans-Oblique.ttf"}


def statement_pdf(statement: Statement) -> bytes:
    pdf = FPDF(format="A4")
    for style, file in _FONT_FACES.items():
        pdf.add_font(_FONT, style, _FONTS / file)
    pdf.set_title(f"Statement {statement.label} - {statement.vendor.name}")
    pdf.set_author("Agora")
    # Dated by its month, not the moment it was rendered: the same statement is the same file.
    pdf.set_creation_date(datetime.combine(statement.month, time.min, tzinfo=UTC))
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    pdf.set_font(_FONT, "B", 16)
    pdf.cell(0, 10, f"Statement {statement.label}", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(_FONT, "", 11)
    pdf.cell(0, 7, statement.vendor.name, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    widths = (24, 38, 28, 52, 48)
    for cur in statement.currencies:
        pdf.set_font(_FONT, "B", 12)
        pdf.cell(0, 8, cur.currency, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(_FONT, "", 10)
        pdf.cell(
            0, 6, f"Opening balance: {money_text(cur.opening_balance)} {cur.currency}", new_x="LMARGIN", new_y="NEXT"
        )
        for type_, total in cur.totals.items():
            pdf.cell(0, 6, f"  {_label(type_)}: {money_text(total)}", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(_FONT, "B", 10)
        pdf.cell(
            0, 6, f"Closing balance: {money_text(cur.closing_balance)} {cur.currency}", new_x="LMARGIN", new_y="NEXT"
        )
        pdf.ln(2)
        pdf.set_font(_FONT, "B", 9)
        for width, title in zip(widths, ("Date", "Type", "Amount", "Order / reference", "Available"), strict=True):
            pdf.cell(width, 6, title, border="B")
        pdf.ln()
        pdf.set_font(_FONT, "", 9)
        for e in (e for e in statement.entries if e.currency == cur.currency):
            ref = " / ".join(x for x in (e.order.number if e.order_id and e.order else "", _reference(e)) if x)
            row = (
                timezone.localdate(e.created_at).isoformat(),
                _label(e.type),
                money_text(e.amount) or "",
                ref,
                timezone.localdate(e.available_at).isoformat(),
            )
            for width, value in zip(widths, row, strict=True):
                pdf.cell(width, 6, value[:40], align="R" if width == 28 else "L")
            pdf.ln()
            if e.reason:
                pdf.set_font(_FONT, "I", 8)
                pdf.multi_cell(0, 5, f"    {e.reason}", new_x="LMARGIN", new_y="NEXT")
                pdf.set_font(_FONT, "", 9)
        pdf.ln(4)
    return bytes(pdf.output())
