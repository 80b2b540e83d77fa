"""Readers turn a file into text (plus cues for subtitle formats). No normalisation here."""

from __future__ import annotations

import codecs
import hashlib
import html
import re
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import QualcodeError
from ..inputs import DOCUMENT_LIMIT, TEXT_LIMIT, check_zip, read_input

TEXT_SUFFIXES = {".txt", ".md", ".text", ".markdown"}
SUPPORTED = (".txt", ".md", ".docx", ".vtt", ".srt")
READABLE_SUFFIXES = TEXT_SUFFIXES | {".docx", ".vtt", ".srt"}

# Encodings we are prepared to meet in transcripts; charset-normalizer guesses wrongly on
# short samples when it may choose among everything it knows.
CANDIDATE_ENCODINGS = ["utf_8", "utf_16", "gb18030", "big5", "cp1252"]


@dataclass(frozen=True)
class Cue:
    """One subtitle cue: who spoke (if known), what, and when (seconds)."""

    speaker: str | None
    text: str
    start: float
    end: float


@dataclass
class Source:
    path: Path
    format: str
    text: str
    encoding: str | None
    raw_sha256: str
    cues: list[Cue] | None = field(default=None)


def read_source(path: Path) -> Source:
    """Read a transcript file; raise QualcodeError naming the file for anything unreadable."""
    suffix = path.suffix.lower()
    if suffix not in READABLE_SUFFIXES:
        raise QualcodeError(
            f"unsupported file type '{suffix or path.name}' (supported: {', '.join(SUPPORTED)}, .qdpx)",
            path,
        )
    if path.is_dir():
        raise QualcodeError("is a directory, not a file", path)
    raw = read_input(path, limit=DOCUMENT_LIMIT if suffix == ".docx" else TEXT_LIMIT)
    if not raw.strip():
        raise QualcodeError("empty file", path)
    digest = hashlib.sha256(raw).hexdigest()
    if suffix == ".docx":
        return Source(path, "docx", read_docx(raw, path), None, digest)
    text, encoding = decode(raw, path)
    if suffix == ".vtt":
        return Source(path, "vtt", text, encoding, digest, parse_vtt(text, path))
    if suffix == ".srt":
        return Source(path, "srt", text, encoding, digest, parse_srt(text, path))
    return Source(path, "md" if suffix in {".md", ".markdown"} else "txt", text, encoding, digest)


def decode(raw: bytes, path: Path) -> tuple[str, str]:
    """Decode bytes, returning (text, encoding name). BOMs decide; then strict UTF-8; then a
    guess restricted to CANDIDATE_ENCODINGS."""
    for bom, name in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if raw.startswith(bom):
            try:
                return _checked(raw.decode(name), path), name
            except UnicodeDecodeError:
                raise QualcodeError(f"invalid {name} text", path) from None
    # ASCII in UTF-16 without a BOM is valid UTF-8 too (full of NULs): then UTF-16 goes first.
    # The UTF-16 guess scores every character: made only when it is tried (most files are UTF-8).
    order = [_utf16_without_bom, "utf-8"] if raw.count(0) > len(raw) // 4 else ["utf-8", _utf16_without_bom]
    for candidate in order:
        encoding = candidate if isinstance(candidate, str) else candidate(raw)
        if encoding is None:
            continue
        try:
            return _checked(raw.decode(encoding), path), encoding
        except UnicodeDecodeError:
            pass
    if b"\x00" in raw:
        raise QualcodeError("binary file, not text", path)
    import charset_normalizer

    best = charset_normalizer.from_bytes(raw, cp_isolation=CANDIDATE_ENCODINGS).best()
    if best is None:
        raise QualcodeError("cannot detect the text encoding (tried UTF-8, UTF-16, GB18030, Big5, cp1252)", path)
    return _checked(str(best), path), best.encoding.replace("_", "-")


def _utf16_without_bom(raw: bytes) -> str | None:
    """UTF-16 without a BOM: the byte order whose decoding lands in common scripts."""
    if len(raw) < 4 or len(raw) % 2:
        return None
    best, best_score = None, 0.0
    for name in ("utf-16-le", "utf-16-be"):
        try:
            text = raw.decode(name)
        except UnicodeDecodeError:
            continue
        score = sum(1 for ch in text if _common(ch)) / len(text)
        if score > best_score:
            best, best_score = name, score
    return best if best_score >= 0.9 else None


def _common(ch: str) -> bool:
    """Characters of the scripts transcripts are written in: Latin, CJK and their punctuation."""
    o = ord(ch)
    return o < 0x250 or 0x2000 <= o < 0x2070 or 0x3000 <= o < 0x3040 or 0x4E00 <= o < 0xA000 or 0xFF00 <= o < 0xFFF0


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def _checked(text: str, path: Path) -> str:
    """Refuse decoded text that is really binary (many control characters)."""
    controls = len(_CONTROL.findall(text[:100_000]))
    if controls > max(8, len(text[:100_000]) // 100):
        raise QualcodeError("binary file, not text", path)
    if not text.strip():
        raise QualcodeError("empty file", path)
    return text


# --- .docx ---------------------------------------------------------------------------------

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


_CELL_TIME = re.compile(r"^[\[(]?(\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?)[\])]?$")
_HEADER_WORDS = {"talare", "speaker", "namn", "name", "vem", "who", "tid", "time", "text", "yttrande",
                 "说话人", "发言人", "讲话人", "姓名", "时间", "内容", "文本"}


def table_lines(rows: list[list[str]]) -> list[str]:
    """A table row becomes one line. A transcript kept as a table (speaker | speech, perhaps
    after a time column) becomes "Speaker: speech" lines, so its turns are found; a row with
    no speaker goes on the turn before it. Any other table (a header of date and place, say)
    keeps its cells, tab-separated.

    A table reads as a transcript when most rows have a short speaker cell and a speech cell,
    and some speaker comes back: the keys of a metadata table are all different."""
    def plain(cells: list[str]) -> str:
        return "\t".join(c for c in cells if c)

    width = max((len(r) for r in rows), default=0)
    timed = width == 3 and sum(1 for r in rows if r and _CELL_TIME.match(r[0])) >= 0.5 * len(rows)
    if width not in (2, 3) or (width == 3 and not timed) or len(rows) < 3:
        return [plain(r) for r in rows]
    parsed = [(r[0] if timed else "", *r[-2:]) if len(r) >= 2 else ("", "", plain(r)) for r in rows]
    spoken = [speaker for _, speaker, speech in parsed
              if speaker and speech and len(speaker) <= 30 and not speaker.endswith(tuple(".!?。！？"))]
    speakers = Counter(s.rstrip(":：").strip() for s in spoken)
    if len(spoken) < 0.6 * len(rows) or not any(n >= 2 for n in speakers.values()):
        return [plain(r) for r in rows]
    lines: list[str] = []
    for i, (time, speaker, speech) in enumerate(parsed):
        if i == 0 and speaker.casefold() in _HEADER_WORDS:
            continue  # the column headings
        match = _CELL_TIME.match(time)
        stamp = f"[{match.group(1)}] " if match else ""
        if not speaker and lines and speech:
            lines[-1] += " " + speech  # the same speaker goes on
        elif speaker and len(speaker) <= 30:
            speaker = speaker.rstrip(":：").strip()
            colon = "：" if re.search(r"[\u3400-\u9fff]", speaker) else ": "
            lines.append(stamp + speaker + colon + speech)
        else:
            lines.append(plain([time, speaker, speech]))
    return lines


def read_docx(raw: bytes, path: Path) -> str:
    """Paragraphs and tables in body order (see `table_lines` for tables)."""
    import io

    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            check_zip(archive, path, what="document")  # before python-docx unpacks a bomb
        document = docx.Document(io.BytesIO(raw))
    except QualcodeError:
        raise
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise QualcodeError(f"not a valid .docx file ({type(exc).__name__})", path) from None
    except Exception as exc:  # python-docx/lxml raise several types on damaged parts
        raise QualcodeError(f"not a valid .docx file ({type(exc).__name__})", path) from None
    lines: list[str] = []
    for element in document.element.body.iterchildren():
        if element.tag == f"{_W}p":
            lines.append(Paragraph(element, document).text)
        elif element.tag == f"{_W}tbl":
            rows = []
            for row in Table(element, document).rows:
                cells: list[str] = []
                seen: set[int] = set()
                for cell in row.cells:  # merged cells repeat: keep each once
                    if id(cell._tc) in seen:
                        continue
                    seen.add(id(cell._tc))
                    cells.append(" ".join(p.text for p in cell.paragraphs).strip())
                rows.append(cells)  # empty cells stay: they keep the columns in place
            lines.extend(table_lines(rows))
    text = "\n".join(lines)
    if not text.strip():
        raise QualcodeError("empty file (the .docx has no text)", path)
    return text


# --- subtitles ---------------------------------------------------------------------------------

_TIMING = re.compile(
    r"^\s*(?P<a>(?:\d+:)?\d{1,2}:\d{2}[.,]\d{1,3})\s*-->\s*(?P<b>(?:\d+:)?\d{1,2}:\d{2}[.,]\d{1,3})"
)
_VOICE = re.compile(r"<v(?:\.[^ >]*)?\s+([^>]+)>")
_TAG = re.compile(r"</?[a-zA-Z][^>]*>|<\d+:\d{2}[^>]*>|\{\\[^}]*\}")  # HTML-ish tags, karaoke times, {\an8}
_NAME_PREFIX = re.compile(r"^\s*(?P<name>[^\s:：<>][^:：<>]{0,30}?)\s*(?::\s+|：\s*)(?=\S)")


def _seconds(stamp: str) -> float:
    parts = stamp.replace(",", ".").split(":")
    seconds = float(parts[-1])
    for i, part in enumerate(reversed(parts[:-1]), start=1):
        seconds += int(part) * 60**i
    return seconds


def _cues(blocks: list[list[str]], path: Path) -> list[Cue]:
    cues: list[Cue] = []
    for block in blocks:
        for i, line in enumerate(block):
            match = _TIMING.match(line)
            if not match:
                continue
            body = "\n".join(block[i + 1 :])
            voice = _VOICE.search(body)
            speaker = voice.group(1).strip() if voice else None
            body = html.unescape(_TAG.sub("", body)).strip()  # WebVTT escapes & and < as &amp; &lt;
            if speaker is None:
                named = _NAME_PREFIX.match(body)
                if named and _looks_like_name(named.group("name")):
                    speaker, body = named.group("name"), body[named.end() :]
            if body:
                cues.append(Cue(speaker, body, _seconds(match["a"]), _seconds(match["b"])))
            break
    if not cues:
        raise QualcodeError("no subtitle cues found", path)
    return cues


def _looks_like_name(name: str) -> bool:
    words = name.split()
    return 1 <= len(words) <= 3 and (name[0].isupper() or "\u4e00" <= name[0] <= "\u9fff")


def _blocks(text: str) -> list[list[str]]:
    return [b.split("\n") for b in re.split(r"\n\s*\n", text.replace("\r\n", "\n").replace("\r", "\n"))]


def parse_vtt(text: str, path: Path) -> list[Cue]:
    if not text.lstrip("\ufeff").startswith("WEBVTT"):
        raise QualcodeError("not a WebVTT file (no WEBVTT header)", path)
    blocks = [b for b in _blocks(text) if b and not b[0].startswith(("NOTE", "STYLE", "REGION", "WEBVTT"))]
    return _cues(blocks, path)


def parse_srt(text: str, path: Path) -> list[Cue]:
    return _cues(_blocks(text.lstrip("\ufeff")), path)
