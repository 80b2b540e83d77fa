"""Normalisation applied once at import; offsets index the text this returns.

Steps, in order: strip a BOM, CRLF/CR -> LF, drop XML-invalid control characters, NFC,
then reflow lines that were hard-wrapped by a PDF extractor.
"""

from __future__ import annotations

import re
import statistics
import unicodedata

from .speakers import LABEL_LINE, accepted_labels
from .width import WIDE, display_width, fit_width, is_cjk, line_widths  # noqa: F401  (fit_width re-exported)

# Characters XML 1.0 forbids (REFI-QDA and .docx are XML): C0 controls but tab and newline.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def normalize(text: str) -> str:
    text = clean(text)
    return reflow(text)


def clean(text: str) -> str:
    """Everything but reflow: BOM, line endings, NFC, control characters."""
    text = text.lstrip("\ufeff")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _XML_INVALID.sub("", text)  # before NFC, so a mark after a removed control still composes
    return unicodedata.normalize("NFC", text)


def clean_offsets(raw: str) -> list[int]:
    """For each code point offset 0..len(raw) of `raw`, the offset in `clean(raw)`.

    clean() removes characters (leading BOMs, the CR of CRLF, control characters), turns a
    lone CR into LF, and recomposes (NFC); a removed character maps to the next kept one,
    so a span [s, e) of raw maps to [map[s], map[e])."""
    # 1. removals, as clean() makes them
    kept: list[str] = []
    first: list[int] = []  # raw offset -> offset in the filtered text
    leading = len(raw) - len(raw.lstrip("\ufeff"))
    for i, ch in enumerate(raw):
        first.append(len(kept))
        if i < leading or (ch == "\r" and i + 1 < len(raw) and raw[i + 1] == "\n"):
            continue
        ch = "\n" if ch == "\r" else ch
        if not _XML_INVALID.match(ch):
            kept.append(ch)
    first.append(len(kept))
    # 2. NFC, one base character with its combining marks at a time
    second = [0] * (len(kept) + 1)
    out = 0
    i = 0
    while i < len(kept):
        j = i + 1
        while j < len(kept) and unicodedata.combining(kept[j]):
            j += 1
        composed = len(unicodedata.normalize("NFC", "".join(kept[i:j])))
        for k in range(i, j):
            second[k] = out + min(k - i, composed - 1) if k > i else out
        out += composed
        i = j
    second[len(kept)] = out
    return [second[f] for f in first]


# --- reflow -----------------------------------------------------------------------------------

# A colon or semicolon may end a wrapped line mid-sentence, so they are not here.
_SENTENCE_END = tuple("。！？!?….」』") + ('."', ".”", "。”", "？”", "！”")
# (a dash at a line start may be a wrapped "… – det som …": en and em dashes are no bullets;
# "s. 12" is no list item either, so lettered items need a parenthesis)
_BULLET = re.compile(
    r"^\s*(?:[•·▪●○◦■□‣⁃\-*]\s|\(?\d{1,3}[.)]\s|（\d{1,3}）|\(\d{1,3}\)|[①-⑳]|[a-h]\)\s)"
)
_NUMBERED = re.compile(r"^\s*\d{1,2}(?:\.\d{1,2})*\.?\s+\S")
_HEADING = re.compile(r"^\s*(?:#{1,6}\s|第[一二三四五六七八九十\d]+[章节部分])")
# A page header/footer copied out of a PDF: "· 903 ·某某期刊 2020 年 12 月", "- 12 -", "12".
_PAGE_LINE = re.compile(r"^\s*(?:[·•\-–—]\s*\d{1,4}\s*[·•\-–—]|\d{1,4}\s*$|第\s*\d+\s*页)")


def _is_block_start(line: str, width: int, speakers: set[str]) -> bool:
    """A line that begins something of its own: a label, a bullet, a heading, a page line."""
    label = LABEL_LINE.match(line)
    if label and label["label"] in speakers:
        return True
    if _BULLET.match(line) or _HEADING.match(line) or _PAGE_LINE.match(line):
        return True
    # "1.1 研究对象" is a heading; "20 minuter senare kom hon" continues a sentence
    return bool(
        _NUMBERED.match(line) and display_width(line) < 0.7 * width and not line.endswith(_SENTENCE_END)
    )


def _wrap_width(widths: list[int]) -> int | None:
    """The width lines were wrapped at, or None when the text does not look hard-wrapped.

    Hard-wrapped text has most of its lines within a narrow band just under one width
    (paragraphs' last lines are shorter); unwrapped text has lines of every length.
    """
    if len(widths) < 4:
        return None
    width = int(statistics.quantiles(widths, n=10)[8])  # ninth decile: the full lines
    if width < 16:
        return None
    near = sum(1 for w in widths if 0.8 * width <= w <= 1.12 * width)
    return width if near >= 0.5 * len(widths) else None


def _fixed_cut(lines: list[str]) -> int | None:
    """CJK extractors often cut at an exact character count: return it when most lines share it
    (only for Chinese text: word-wrapped lines can share a length by chance)."""
    counts = [len(line) for line in lines]
    if len(counts) < 4 or sum(1 for line in lines if WIDE.search(line)) < 0.5 * len(lines):
        return None
    common, freq = statistics.mode(counts), counts.count(statistics.mode(counts))
    return common if freq >= 0.5 * len(counts) and common >= 10 else None


def reflow(text: str) -> str:
    """Join lines that a PDF extractor broke inside a paragraph; leave everything else alone.

    Decides from the text itself: the document's typical line width, sentence-final
    punctuation, and lines that start something (labels, bullets, headings, page headers).
    Works whether the extractor put a single line break or a blank line after every line.
    """
    lines = text.split("\n")
    content = [i for i, line in enumerate(lines) if line.strip()]
    if len(content) < 4:
        return text
    stripped = [lines[i].strip() for i in content]
    width = _wrap_width(line_widths(stripped))
    if width is None:
        return text
    cut = _fixed_cut(stripped)
    speakers = {label.name for label in accepted_labels(text)}
    gaps = [content[k + 1] - content[k] - 1 for k in range(len(content) - 1)]
    # "blank-wrapped": a blank line after (almost) every line, so one blank line means nothing
    blank_wrapped = sum(1 for g in gaps if g == 1) >= 0.6 * len(gaps)

    out: list[str] = [text[: _line_offset(lines, content[0])]]  # leading blank lines kept
    out.append(lines[content[0]].rstrip())
    for k in range(1, len(content)):
        prev, line = stripped[k - 1], lines[content[k]]
        gap = gaps[k - 1]
        joinable_gap = gap == 0 or (blank_wrapped and gap == 1)
        if joinable_gap and _continues(prev, line.strip(), width, cut, speakers):
            out[-1] = out[-1].rstrip()
            out.append(_joiner(prev, line.strip()) + line.strip())
        else:
            newlines = gap + 1 - (1 if blank_wrapped and gap >= 1 else 0)
            out.append("\n" * newlines + line.rstrip())
    tail = len(lines) - 1 - content[-1]
    out.append("\n" * (tail - (1 if blank_wrapped and tail >= 1 else 0)))
    return "".join(out)


def _line_offset(lines: list[str], index: int) -> int:
    return sum(len(line) + 1 for line in lines[:index])


def _continues(prev: str, line: str, width: int, cut: int | None, speakers: set[str]) -> bool:
    if _is_block_start(line, width, speakers) or _PAGE_LINE.match(prev):
        return False
    if cut is not None:
        # cut at an exact count whatever the last character: a shorter line ended its paragraph
        return len(prev) == cut
    filled = display_width(prev)
    if prev.endswith(_SENTENCE_END):
        # a sentence may end just at the wrap; then the line is as full as wrapping allows
        # (within one long word of the width), which a paragraph's last line seldom is
        slack = 4 if is_cjk(prev[-1]) or is_cjk(prev[0]) else 14
        return filled >= width - slack
    return filled >= 0.75 * width  # a short unfinished line is a heading or a last line


def _joiner(prev: str, line: str) -> str:
    if is_cjk(prev[-1]) or is_cjk(line[0]):
        return ""
    if prev.endswith("-") and len(prev) > 1 and prev[-2].isalpha() and line[0].islower():
        return ""  # a word hyphenated across lines keeps its hyphen, gains no space
    return " "
