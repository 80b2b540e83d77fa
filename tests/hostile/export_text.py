"""Every text an export file holds, as a reader (or another program) would find it.

The leak tests search these with `find_leaks`, which folds each text (NFKC, case, invisible
characters, hyphenated breaks, white space) and looks for names plainly — not with the
redaction's regex. For zipped formats (.docx, .xlsx, .qdpx) both views are taken: what
python-docx / openpyxl read (paragraphs with their runs joined — a name split over runs
— table cells, headers and footers, core properties; cells, sheet names, chart titles), and
every text node and attribute value of every XML member, and every other member's bytes as
UTF-8.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path


def export_texts(data: bytes, suffix: str) -> list[str]:
    """The texts of an export given as bytes and its suffix (".docx", ".md", …)."""
    suffix = suffix.lower()
    if suffix in (".md", ".csv", ".yaml", ".txt"):
        return [data.decode("utf-8-sig")]
    texts = _zip_texts(data) if suffix in (".docx", ".xlsx", ".qdpx") else _xml_texts(data)
    if suffix == ".docx":
        texts += _docx_texts(data)
    elif suffix == ".xlsx":
        texts += _xlsx_texts(data)
    return texts


def file_texts(path: Path) -> list[str]:
    return export_texts(Path(path).read_bytes(), Path(path).suffix)


def _zip_texts(data: bytes) -> list[str]:
    texts = []
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for info in archive.infolist():
            texts.append(info.filename)
            member = archive.read(info)
            if info.filename.endswith((".xml", ".rels", ".qde")):
                texts += _xml_texts(member)
            else:
                texts.append(member.decode("utf-8", "replace"))
    return texts


def _xml_texts(data: bytes) -> list[str]:
    from lxml import etree

    root = etree.fromstring(data, etree.XMLParser(resolve_entities=False, huge_tree=True))
    texts = []
    for element in root.iter():
        texts += [element.text or "", element.tail or "", *element.attrib.values()]
    return [t for t in texts if t.strip()]


def _docx_texts(data: bytes) -> list[str]:
    import docx

    document = docx.Document(io.BytesIO(data))
    texts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            texts.append(" | ".join(cell.text for cell in row.cells))
            texts += [cell.text for cell in row.cells]
    for section in document.sections:
        for part in (section.header, section.footer, section.first_page_header, section.first_page_footer):
            texts += [p.text for p in part.paragraphs]
    props = document.core_properties
    texts += [str(getattr(props, a) or "") for a in ("title", "subject", "author", "keywords", "comments",
                                                       "last_modified_by", "category", "content_status",
                                                       "identifier", "language", "version")]
    return texts


def _xlsx_texts(data: bytes) -> list[str]:
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(data))
    texts = list(book.sheetnames)
    for sheet in book.worksheets:
        texts.append(sheet.title)
        for row in sheet.iter_rows(values_only=True):
            texts += [str(v) for v in row if v is not None]
        for chart in sheet._charts:
            texts += _chart_titles(chart)
    return texts


def _chart_titles(chart) -> list[str]:
    found = []
    for title in (chart.title, getattr(chart.y_axis, "title", None), getattr(chart.x_axis, "title", None)):
        rich = getattr(getattr(title, "tx", None), "rich", None)
        for paragraph in getattr(rich, "p", None) or []:
            found.append("".join(run.t for run in paragraph.r or []))
    return found
