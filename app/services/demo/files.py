"""Demo files: invoice and EVN PDFs, EVN CSV, contract documents (real files, German text).

PDFs are made with fpdf2. DejaVu Sans (Debian's fonts-dejavu-core) is used when
present, so every character renders; otherwise the PDF core font Helvetica,
whose Latin-1 encoding still covers ä ö ü ß.
"""
from __future__ import annotations

import io
import logging
from decimal import Decimal
from pathlib import Path

from flask_babel import force_locale
from fpdf import FPDF

from app.services import evn

DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
DEJAVU_BOLD = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")
# fontTools reports every font subsetting step at INFO.
logging.getLogger("fontTools").setLevel(logging.WARNING)
CARRIER = "ecotel communication ag · Prinzenallee 11 · 40549 Düsseldorf"


def euro(amount) -> str:
    """1234.5 → '1.234,50 EUR' (German number format)."""
    text = f"{Decimal(amount):,.2f}".replace(",", "X").replace(".", ",").replace("X", ".")
    return f"{text} EUR"


class _Pdf(FPDF):
    def __init__(self, title: str):
        super().__init__(format="A4")
        self.set_title(title)
        self.set_author("ecotel communication ag")
        self.set_creator("e:service")
        if DEJAVU.exists() and DEJAVU_BOLD.exists():
            self.add_font("DejaVu", "", str(DEJAVU))
            self.add_font("DejaVu", "B", str(DEJAVU_BOLD))
            self.family = "DejaVu"
        else:
            self.family = "Helvetica"
        self.add_page()
        self.set_font(self.family, "", 8)
        self.cell(0, 5, CARRIER, new_x="LMARGIN", new_y="NEXT")
        self.ln(6)

    def heading(self, text: str) -> None:
        self.set_font(self.family, "B", 14)
        self.cell(0, 8, text, new_x="LMARGIN", new_y="NEXT")
        self.set_font(self.family, "", 10)

    def lines(self, *texts: str) -> None:
        for text in texts:
            self.cell(0, 6, text, new_x="LMARGIN", new_y="NEXT")

    def table(self, header: list[str], rows: list[list[str]], widths: list[int]) -> None:
        self.set_font(self.family, "B", 9)
        for text, width in zip(header, widths):
            self.cell(width, 6, text, border="B")
        self.ln()
        self.set_font(self.family, "", 9)
        for row in rows:
            for text, width in zip(row, widths):
                self.cell(width, 5, text)
            self.ln()

    def bytes(self) -> bytes:
        return bytes(self.output())


def invoice_pdf(customer, invoice, positions: list[tuple[str, Decimal]]) -> bytes:
    """An invoice with its positions, net, VAT and gross amounts."""
    pdf = _Pdf(f"Rechnung {invoice.invoice_number}")
    pdf.lines(customer.company_name, customer.street, f"{customer.zip_code} {customer.city}")
    pdf.ln(6)
    pdf.heading(f"Rechnung {invoice.invoice_number}")
    pdf.lines(
        f"Kundennummer: {customer.customer_number}",
        f"Rechnungsdatum: {invoice.invoice_date:%d.%m.%Y}",
        f"Leistungszeitraum: {invoice.period_start:%d.%m.%Y} – {invoice.period_end:%d.%m.%Y}",
    )
    pdf.ln(4)
    pdf.table(["Leistung", "Betrag"], [[text, euro(amount)] for text, amount in positions], [140, 40])
    pdf.ln(4)
    pdf.lines(
        f"Summe netto: {euro(invoice.net_amount)}",
        f"zzgl. 19 % Umsatzsteuer: {euro(invoice.tax_amount)}",
        f"Rechnungsbetrag: {euro(invoice.gross_amount)}",
        f"Zahlbar bis {invoice.due_date:%d.%m.%Y} per SEPA-Lastschrift.",
    )
    return pdf.bytes()


def _german_header() -> list[str]:
    # Demo files are the carrier's German documents, whatever language the seeding shell speaks.
    with force_locale("de"):
        return evn.evn_header()


def evn_pdf(customer, contract, period: str, rows) -> bytes:
    """Itemised call records (Einzelverbindungsnachweis) of one contract and month; `rows` from `evn.evn_rows`."""
    pdf = _Pdf(f"EVN {contract.contract_number} {period}")
    pdf.heading(f"Einzelverbindungsnachweis {period}")
    pdf.lines(f"{customer.company_name} · Kundennummer {customer.customer_number}",
              f"Vertrag {contract.contract_number} · {contract.product.name}")
    pdf.ln(4)
    pdf.table(_german_header(), rows, [22, 20, 34, 34, 16, 26, 22])
    return pdf.bytes()


def evn_csv(rows) -> bytes:
    """The same as CSV in the EVN dialect of `app.services.evn`."""
    buffer = io.StringIO()
    writer = evn.csv_writer(buffer)
    writer.writerow(_german_header())
    writer.writerows(rows)
    return (evn.CSV_BOM + buffer.getvalue()).encode("utf-8")


def contract_document_pdf(customer, title: str, body: list[str]) -> bytes:
    """A one-page contract document (order confirmation, SEPA mandate, …)."""
    pdf = _Pdf(title)
    pdf.lines(customer.company_name, customer.street, f"{customer.zip_code} {customer.city}")
    pdf.ln(6)
    pdf.heading(title)
    pdf.multi_cell(0, 6, "\n".join(body))
    return pdf.bytes()
