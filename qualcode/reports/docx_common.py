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
    _quote_styles(document)
    if title:
        document.core_properties.title = safe(title)
    add_page_numbers(document)
    return document


_CJK = re.compile("[\u3000-\u9fff\uff00-\uffef]")


def _quote_styles(document) -> None:
    """Styles for quotes, so thousands of quotes need no formatting of their own."""
    from docx.enum.style import WD_STYLE_TYPE
    from docx.shared import Cm

    styles = document.styles
    quote = styles.add_style("Quote Text", WD_STYLE_TYPE.PARAGRAPH)
    quote.base_style = styles["Normal"]
    quote.paragraph_format.left_indent = Cm(1)
    quote.paragraph_format.space_after = Pt(2)
    translation = styles.add_style("Quote Translation", WD_STYLE_TYPE.PARAGRAPH)
    translation.base_style = styles["Normal"]
    translation.paragraph_format.left_indent = Cm(1)
    translation.font.size = Pt(9)
    words = styles.add_style("Quote Words", WD_STYLE_TYPE.CHARACTER)
    words.font.italic = True


_W_P, _W_PPR, _W_PSTYLE, _W_R, _W_RPR, _W_RSTYLE, _W_T, _W_B, _W_VAL, _W_RFONTS, _W_EA, _XML_SPACE = (
    qn("w:p"), qn("w:pPr"), qn("w:pStyle"), qn("w:r"), qn("w:rPr"), qn("w:rStyle"), qn("w:t"), qn("w:b"),
    qn("w:val"), qn("w:rFonts"), qn("w:eastAsia"), qn("xml:space"))
_W_ASCII, _W_HANSI = qn("w:ascii"), qn("w:hAnsi")


class FastParagraphs:
    """Appends paragraphs built as XML directly: python-docx's style look-ups (and its search
    for the section properties at the end of the body) cost more than the writing itself
    when a report holds thousands of quotes."""

    def __init__(self, document) -> None:
        self.body = document.element.body
        self.anchor = self.body.sectPr  # new paragraphs go before the final section properties
        self.styles = {s.name: s.style_id for s in document.styles}

    def add(self, style: str, runs: list[tuple[str, str | None, bool]]) -> None:
        """runs: (text, character style name or None, bold)."""
        from lxml import etree

        p = etree.Element(_W_P)
        p_pr = etree.SubElement(p, _W_PPR)
        etree.SubElement(p_pr, _W_PSTYLE).set(_W_VAL, self.styles[style])
        for text, run_style, bold in runs:
            text = safe(text)
            cjk = _CJK.search(text) is not None
            r = etree.SubElement(p, _W_R)
            if run_style or bold or cjk:
                r_pr = etree.SubElement(r, _W_RPR)
                if run_style:
                    etree.SubElement(r_pr, _W_RSTYLE).set(_W_VAL, self.styles[run_style])
                if cjk:
                    fonts = etree.SubElement(r_pr, _W_RFONTS)
                    fonts.set(_W_ASCII, LATIN_FONT)
                    fonts.set(_W_HANSI, LATIN_FONT)
                    fonts.set(_W_EA, EAST_ASIAN_FONT)
                if bold:
                    etree.SubElement(r_pr, _W_B)
            t = etree.SubElement(r, _W_T)
            t.text = text
            t.set(_XML_SPACE, "preserve")
        if self.anchor is not None:
            self.anchor.addprevious(p)
        else:
            self.body.append(p)


_W_TR, _W_TC, _W_TCPR, _W_TCW = qn("w:tr"), qn("w:tc"), qn("w:tcPr"), qn("w:tcW")
_W_TYPE, _W_W = qn("w:type"), qn("w:w")


def add_rows(table, rows: list[list], widths) -> None:
    """Rows of plain cells (one value each; None is an empty cell) of the given widths (python-docx
    Lengths), exactly as python-docx's `add_row` and `add_run` make them, but built as XML at once:
    a table of a thousand rows (the saturation table of a large project) costs a second otherwise."""
    from lxml import etree

    twips = [str(w.twips) for w in widths]
    for values in rows:
        texts = ["" if v is None else safe(str(v)) for v in values]
        if any(c in t for t in texts for c in "\t\n\r"):  # python-docx makes tabs and breaks of these
            for cell, text, width in zip(table.add_row().cells, texts, widths, strict=True):
                add_run(cell.paragraphs[0], text)
                cell.width = width
            continue
        tr = etree.SubElement(table._tbl, _W_TR)
        for text, width in zip(texts, twips, strict=True):
            tc = etree.SubElement(tr, _W_TC)
            tc_w = etree.SubElement(etree.SubElement(tc, _W_TCPR), _W_TCW)
            tc_w.set(_W_TYPE, "dxa")
            tc_w.set(_W_W, width)
            r = etree.SubElement(etree.SubElement(tc, _W_P), _W_R)
            if not text:
                continue
            if _CJK.search(text):
                fonts = etree.SubElement(etree.SubElement(r, _W_RPR), _W_RFONTS)
                fonts.set(_W_ASCII, LATIN_FONT)
                fonts.set(_W_HANSI, LATIN_FONT)
                fonts.set(_W_EA, EAST_ASIAN_FONT)
            t = etree.SubElement(r, _W_T)
            t.text = text
            if len(text.strip()) < len(text):
                t.set(_XML_SPACE, "preserve")


def add_run(paragraph, text: str | None, *, bold: bool = False, italic: bool = False,
            color: str | None = None, size: float | None = None, style: str | None = None):
    """A run that inherits its fonts from the styles; Chinese runs also name the East-Asian
    font themselves, as Word expects of runs in another script."""
    text = safe(text)
    run = paragraph.add_run(text, style=style)
    if _CJK.search(text):
        set_fonts(run)
    if bold:
        run.bold = True
    if italic:
        run.italic = True
    if color:
        from ..codebook import normal_color

        if normal_color(color):
            run.font.color.rgb = RGBColor.from_string(normal_color(color)[1:])
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
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = width
