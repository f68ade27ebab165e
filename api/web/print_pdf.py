"""A court document as PDF, for the ones sent out (支付案款通知 to finance, the execution
notice's account block). reportlab draws it with its built-in CID font STSong-Light: the
Chinese text renders without a font file or any system package."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from io import BytesIO
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

FONT = "STSong-Light"
#: the blank to write a date on: the CID font has neither an ideographic nor a no-break
#: space (they print as boxes), and markup folds ordinary spaces into one
BLANK = "________"


@dataclass
class Document:
    """What a printed document says, the same on the page and in the PDF."""

    court_name: str
    title: str
    number: str | None  #: the document's own number (the payment's reference)
    case_number: str | None
    lead: list[str]  #: the opening lines (addressee, body)
    fields: list[tuple[str, str]]  #: (label, value), amounts in figures and in capitals
    decisions: list[dict] | None  #: approval levels as print_documents.decision_rows gives
    signatures: list[str]  #: who signs: one line each
    printed_at: str
    printed_by: str
    text: list[str] = field(default_factory=list)  #: a block printed as is (the notice text)
    seal: bool = False  #: a place for the court's seal


def _font() -> str:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    return FONT


def _styles() -> dict[str, ParagraphStyle]:
    font = _font()
    base = ParagraphStyle("base", fontName=font, fontSize=10.5, leading=15, wordWrap="CJK")
    return {
        "base": base,
        "court": ParagraphStyle(
            "court", parent=base, fontSize=14, leading=20, alignment=TA_CENTER, spaceAfter=6
        ),
        "title": ParagraphStyle(
            "title", parent=base, fontSize=20, leading=28, alignment=TA_CENTER, spaceAfter=4
        ),
        "meta": ParagraphStyle("meta", parent=base, fontSize=9.5, alignment=TA_CENTER),
        "small": ParagraphStyle("small", parent=base, fontSize=8.5, leading=12),
        "right": ParagraphStyle("right", parent=base, alignment=TA_RIGHT),
    }


def render_pdf(document: Document, *, labels: dict) -> bytes:
    """Return the document as an A4 PDF; `labels` are the page's words in its language."""
    styles = _styles()
    out = BytesIO()
    pdf = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        title=document.title,
        author=document.court_name,
    )
    story = [
        Paragraph(escape(document.court_name), styles["court"]),
        Paragraph(escape(document.title), styles["title"]),
    ]
    meta = []
    if document.case_number:
        meta.append(f"{labels['case_number']}：{document.case_number}")
    if document.number:
        meta.append(f"{labels['number']}：{document.number}")
    if meta:
        story.append(_row([Paragraph(escape(m), styles["meta"]) for m in meta]))
    story.append(Spacer(1, 6 * mm))
    story += [Paragraph(escape(line), styles["base"]) for line in document.lead]
    if document.lead:
        story.append(Spacer(1, 3 * mm))
    story.append(_fields_table(document.fields, styles))
    if document.text:
        story.append(Spacer(1, 4 * mm))
        story += [Paragraph(escape(line), styles["base"]) for line in document.text]
    if document.decisions:
        story += [Spacer(1, 5 * mm), Paragraph(escape(labels["approvals"]), styles["base"])]
        story.append(_decisions_table(document.decisions, labels["columns"], styles))
    story.append(Spacer(1, 10 * mm))
    story += _signatures(document, labels, styles)
    story.append(Spacer(1, 8 * mm))
    printed = (
        f"{labels['printed_at']}：{document.printed_at}",
        f"{labels['printed_by']}：{document.printed_by}",
    )
    story.append(_row([Paragraph(escape(p), styles["small"]) for p in printed]))
    pdf.build(story)
    return out.getvalue()


def _row(cells: list) -> Table:
    """Lay pieces of one line side by side, with room between them."""
    width = 170 * mm / len(cells)
    table = Table([cells], colWidths=[width] * len(cells))
    table.setStyle(TableStyle([("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    return table


def _grid() -> TableStyle:
    return TableStyle(
        [
            ("GRID", (0, 0), (-1, -1), 0.6, colors.black),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("TOPPADDING", (0, 0), (-1, -1), 4),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
        ]
    )


def _fields_table(fields: list[tuple[str, str]], styles: dict) -> Table:
    rows = [
        [Paragraph(escape(name), styles["base"]), Paragraph(escape(value or "—"), styles["base"])]
        for name, value in fields
    ]
    table = Table(rows, colWidths=[45 * mm, 125 * mm])
    table.setStyle(_grid())
    table.setStyle(TableStyle([("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#f0f0f0"))]))
    return table


def _decisions_table(rows: list[dict], columns: list[str], styles: dict) -> Table:
    cell = styles["small"]
    data = [[Paragraph(escape(c), cell) for c in columns]]
    for r in rows:
        values = (r["level"], r["position"], r["who"], r["decision"], r["when"], r["note"])
        data.append([Paragraph(escape(v or ""), cell) for v in values])
    widths = [22 * mm, 24 * mm, 40 * mm, 20 * mm, 30 * mm, 34 * mm]
    table = Table(data, colWidths=widths, repeatRows=1)
    table.setStyle(_grid())
    return table


def _signatures(document: Document, labels: dict, styles: dict) -> list:
    sign: Callable[[str], str] = labels["signature"]
    rows = [
        [
            Paragraph(escape(sign(role) + "："), styles["base"]),
            "",
            Paragraph(escape(labels["date"] + "："), styles["base"]),
            "",
        ]
        for role in document.signatures
    ]
    parts: list = []
    if rows:
        table = Table(rows, colWidths=[40 * mm, 55 * mm, 20 * mm, 45 * mm], rowHeights=12 * mm)
        table.setStyle(
            TableStyle(
                [
                    ("LINEBELOW", (1, 0), (1, -1), 0.6, colors.black),
                    ("LINEBELOW", (3, 0), (3, -1), 0.6, colors.black),
                    ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                ]
            )
        )
        parts.append(table)
    if document.seal:
        parts += [
            Paragraph(escape(document.court_name), styles["right"]),
            Paragraph(escape(labels["seal"]), styles["right"]),
            Paragraph(
                escape(f"{labels['date']}：{BLANK}年{BLANK[:4]}月{BLANK[:4]}日"), styles["right"]
            ),
        ]
    return parts
