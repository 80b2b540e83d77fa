"""The memo report: every memo, by what it is about, as Word or Markdown.

A memo on a coding is shown with where the coding sits (document, speaker, turn, time), its
code and the words coded, so the report reads without the project at hand.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..model import SpanContext
from ..text.outward import VERBATIM
from ..text.snippet import clip_words, where
from .docx_common import add_heading, add_paragraph, add_run, new_document, safe, to_bytes

SECTIONS = [("project", "Project"), ("document", "Documents"), ("code", "Codes"), ("theme", "Themes"),
            ("participant", "Participants"), ("segment", "Codings")]
QUOTE_CELLS = 240


@dataclass
class MemoEntry:
    kind: str = field(metadata=VERBATIM)  # a section of the report, not text (the rest is redacted)
    target: str | None
    author: str
    text: str
    created_at: str
    updated_at: str
    code: str | None = None
    context: SpanContext | None = None
    quote: str | None = None


def title(entry: MemoEntry) -> str:
    if entry.kind == "segment":
        place = where(entry.context) if entry.context else f"segment {entry.target}"
        return f"{entry.code} — {place}" if entry.code else place
    return entry.target or "Project memo"


def dates(entry: MemoEntry) -> str:
    created, updated = entry.created_at[:16].replace("T", " "), entry.updated_at[:16].replace("T", " ")
    return f"{entry.author} · {created}" + (f" (changed {updated})" if updated != created else "")


def _sections(entries: list[MemoEntry]):
    for kind, heading in SECTIONS:
        mine = [e for e in entries if e.kind == kind]
        if mine:
            yield heading, mine


def memo_markdown(entries: list[MemoEntry], heading: str) -> bytes:
    lines = [f"# {safe(heading)}", ""]
    if not entries:
        lines.append("No memos yet.")
    for section, mine in _sections(entries):
        lines += [f"## {section}", ""]
        for e in mine:
            lines += [f"### {safe(title(e))}", "", f"*{safe(dates(e))}*", ""]
            if e.quote:
                lines += [f"> {safe(clip_words(e.quote, QUOTE_CELLS))}", ""]
            lines += [safe(e.text).replace("\n", "  \n"), ""]
    return ("\n".join(lines).rstrip() + "\n").encode("utf-8")


def memo_docx(entries: list[MemoEntry], heading: str) -> bytes:
    document = new_document(heading)
    add_heading(document, heading, 0)
    if not entries:
        add_paragraph(document, "No memos yet.")
    for section, mine in _sections(entries):
        add_heading(document, section, 1)
        for e in mine:
            add_heading(document, title(e), 2)
            add_paragraph(document, dates(e), italic=True, size=9)
            if e.quote:
                paragraph = add_paragraph(document, style="Quote Text")
                add_run(paragraph, f"“{clip_words(e.quote, QUOTE_CELLS)}”", style="Quote Words")
            for block in e.text.split("\n\n"):
                add_paragraph(document, block)
    return to_bytes(document)


# --- memos in the theme summary (`export themes --memos`) ---------------------------------------

MEMO_WORDS = {"en": "Memos", "sv": "Memon", "zh": "备忘录"}


def theme_memos_docx(document, memos: list[tuple[str, str, str]], lang: str) -> None:
    """A theme's memos (and its codes') under the theme in the Word summary."""
    if not memos:
        return
    add_heading(document, MEMO_WORDS.get(lang, MEMO_WORDS["en"]), 2)
    for about, author, text in memos:
        paragraph = add_paragraph(document)
        add_run(paragraph, f"{about} ({author}): ", bold=True)
        add_run(paragraph, text)


def theme_memos_markdown(memos: list[tuple[str, str, str]], lang: str) -> list[str]:
    if not memos:
        return []
    lines = [f"### {MEMO_WORDS.get(lang, MEMO_WORDS['en'])}", ""]
    for about, author, text in memos:
        lines += [f"**{safe(about)}** ({safe(author)}): " + safe(text).replace("\n", "  \n"), ""]
    return lines
