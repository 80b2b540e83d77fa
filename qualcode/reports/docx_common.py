"""python-docx helpers: fonts that render Swedish and Chinese, safe text, page numbers.

python-docx has no East-Asian font API: without `w:eastAsia` on the fonts of the styles
and runs, Word and LibreOffice draw Chinese in whatever fallback they find.
"""

from __future__ import annotations

import io
import re

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor

LATIN_FONT = "Calibri"
EAST_ASIAN_FONT = "SimSun"
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


def safe(text: str | None) -> str:
    """Text python-docx (and XML) accept: control characters removed."""
    return _CONTROL.sub("", text or "")


def set_fonts(element_rpr_owner, latin: str = LATIN_FONT, east_asian: str = EAST_ASIAN_FONT) -> None:
    """Set ascii/hAnsi and eastAsia fonts on a style or run (anything with `.font` and `_element`)."""
    element_rpr_owner.font.name = latin
    rpr = element_rpr_owner._element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attribute, value in (("w:ascii", latin), ("w:hAnsi", latin), ("w:eastAsia", east_asian)):
        fonts.set(qn(attribute), value)


def new_document(title: str | None = None):
    document = Document()
    for style_name in ("Normal", "Title", "Heading 1", "Heading 2", "Heading 3", "Table Grid", "Caption"):
        try:
            style = document.styles[style_name]
        except KeyError:
            continue
        set_fonts(style)
    document.styles["Normal"].font.size = Pt(10.5)
    if title:
        document.core_properties.title = safe(title)
    add_page_numbers(document)
    return document


def add_run(paragraph, text: str | None, *, bold: bool = False, italic: bool = False,
            color: str | None = None, size: float | None = None):
    run = paragraph.add_run(safe(text))
    set_fonts(run)
    run.bold = bold or None
    run.italic = italic or None
    if color:
        run.font.color.rgb = RGBColor.from_string(color.lstrip("#")[:6].upper())
    if size:
        run.font.size = Pt(size)
    return run


def add_paragraph(container, text: str | None = None, style: str | None = None, **run_options):
    paragraph = container.add_paragraph(style=style)
    if text:
        add_run(paragraph, text, **run_options)
    return paragraph


def add_heading(document, text: str, level: int):
    heading = document.add_heading(level=level)
    add_run(heading, text)
    return heading


def add_page_numbers(document) -> None:
    """'Page N' centred in the footer of every section, as a PAGE field."""
    for section in document.sections:
        paragraph = section.footer.paragraphs[0]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = paragraph.add_run()
        for kind, text in (("begin", None), (None, "PAGE"), ("separate", None), (None, "1"), ("end", None)):
            if kind:
                char = OxmlElement("w:fldChar")
                char.set(qn("w:fldCharType"), kind)
                run._r.append(char)
            elif text == "PAGE":
                instr = OxmlElement("w:instrText")
                instr.set(qn("xml:space"), "preserve")
                instr.text = " PAGE "
                run._r.append(instr)
            else:
                t = OxmlElement("w:t")
                t.text = text
                run._r.append(t)


def shade(cell, color: str) -> None:
    """Background colour of a table cell."""
    properties = cell._tc.get_or_add_tcPr()
    fill = OxmlElement("w:shd")
    fill.set(qn("w:val"), "clear")
    fill.set(qn("w:color"), "auto")
    fill.set(qn("w:fill"), color.lstrip("#")[:6].upper())
    properties.append(fill)


def to_bytes(document) -> bytes:
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def set_widths(table, widths) -> None:
    """Column widths that both Word (cell widths) and LibreOffice (the table grid) honour."""
    table.autofit = False
    for column, width in zip(table.columns, widths):
        column.width = width
    for row in table.rows:
        for cell, width in zip(row.cells, widths):
            cell.width = width
