"""The codebook as a Word appendix: themes, then a table per category with every field."""

from __future__ import annotations

from docx.shared import Cm

from ..codebook import MACQUEEN_FIELDS, Codebook, CodeEntry
from ..model import FIELD_TITLES
from .docx_common import add_heading, add_paragraph, add_run, new_document, set_widths, shade, to_bytes

HEADINGS = {
    "en": {"title": "Codebook", "themes": "Themes", "codes": "Codes", "theme": "Theme",
           "definition": "Definition", "members": "Codes", "code": "Code", "text": "Definition and use",
           "other": "Codes outside categories", "category": "category", "retired": "retired",
           **FIELD_TITLES},
    "sv": {"title": "Kodbok", "themes": "Teman", "codes": "Koder", "theme": "Tema",
           "definition": "Definition", "members": "Koder", "code": "Kod", "text": "Definition och användning",
           "other": "Koder utanför kategorier", "category": "kategori", "retired": "utgången",
           "brief": "Kort definition", "when_to_use": "Använd när", "when_not_to_use": "Använd inte när",
           "example": "Exempel"},
    "zh": {"title": "编码手册", "themes": "主题", "codes": "编码", "theme": "主题", "definition": "定义",
           "members": "编码", "code": "编码", "text": "定义与使用", "other": "未归类的编码",
           "category": "类别", "retired": "已停用", "brief": "简要定义", "when_to_use": "何时使用",
           "when_not_to_use": "何时不使用", "example": "示例"},
}


def _pick(texts: dict[str, str], lang: str, fallbacks: list[str]) -> str:
    for language in [lang, *fallbacks]:
        if texts.get(language):
            return texts[language]
    return next(iter(texts.values()), "")


def codebook_docx_bytes(book: Codebook, lang: str) -> bytes:
    words = {**HEADINGS["en"], **HEADINGS.get(lang, {})}
    fallbacks = [x for x in [book.default_language, *book.languages, "en"] if x and x != lang]
    label = lambda code: code.labels.get(lang) or code.name  # noqa: E731
    document = new_document(f"{words['title']}: {book.title or ''}")
    add_heading(document, f"{words['title']}: {book.title}" if book.title else words["title"], 0)
    by_name = {c.name: c for c in book.codes}

    if book.themes:
        add_heading(document, words["themes"], 1)
        table = document.add_table(rows=1, cols=3)
        table.style = "Table Grid"
        headings = (words["theme"], words["definition"], words["members"])
        for cell, text in zip(table.rows[0].cells, headings, strict=True):
            add_run(cell.paragraphs[0], text, bold=True)
            shade(cell, "#D9E2F3")
        for theme in book.themes:
            cells = table.add_row().cells
            add_run(cells[0].paragraphs[0], theme.labels.get(lang) or theme.name, bold=True)
            add_run(cells[1].paragraphs[0], _pick(theme.definition, lang, fallbacks))
            add_run(cells[2].paragraphs[0], "; ".join(label(by_name[n]) for n in theme.codes))
        _widths(table, [Cm(4), Cm(8), Cm(5)])

    add_heading(document, words["codes"], 1)
    top = book.children(None)
    groups = [(c, _descendants(book, c.name)) for c in top if not c.codable]
    loose = [c for c in top if c.codable]
    for category, members in groups + ([(None, loose)] if loose else []):
        title = label(category) if category else words["other"]
        add_heading(document, title, 2)
        if category:
            brief = _pick(category.texts.get("brief", {}), lang, fallbacks)
            if brief:
                add_paragraph(document, brief, italic=True)
        table = document.add_table(rows=1, cols=2)
        table.style = "Table Grid"
        for cell, text in zip(table.rows[0].cells, (words["code"], words["text"]), strict=True):
            add_run(cell.paragraphs[0], text, bold=True)
            shade(cell, "#D9E2F3")
        for code in members:
            _code_row(table, code, book, lang, fallbacks, words, label)
        _widths(table, [Cm(4.5), Cm(12.5)])
    return to_bytes(document)


def _descendants(book: Codebook, name: str) -> list[CodeEntry]:
    found = []
    for child in book.children(name):
        found.append(child)
        found.extend(_descendants(book, child.name))
    return found


def _code_row(table, code: CodeEntry, book: Codebook, lang: str, fallbacks: list[str], words, label) -> None:
    cells = table.add_row().cells
    add_run(cells[0].paragraphs[0], label(code), bold=True, color=code.color)
    others = [v for language, v in code.labels.items() if language != lang and v != label(code)]
    if others:
        add_paragraph(cells[0], " / ".join(dict.fromkeys(others)), size=8.5)
    notes = ([words["category"]] if not code.codable else []) + ([words["retired"]] if code.retired else [])
    if notes:
        add_paragraph(cells[0], ", ".join(notes), italic=True, size=8.5)
    first = True
    for f in MACQUEEN_FIELDS:
        text = _pick(code.texts.get(f, {}), lang, fallbacks)
        if not text:
            continue
        paragraph = cells[1].paragraphs[0] if first else cells[1].add_paragraph()
        first = False
        add_run(paragraph, f"{words.get(f, FIELD_TITLES[f])}: ", bold=True)
        add_run(paragraph, text, italic=(f == "example"))


def _widths(table, widths) -> None:
    set_widths(table, widths)
