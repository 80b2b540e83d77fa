"""Names people give things (codes, themes, coders, documents, participants, speakers) and the
control characters they must not carry.

A name is one line of visible text. Control characters in it (C0 and C1 controls, DEL, ESC
and whole escape sequences, bidi embeddings, overrides and isolates, line and paragraph
separators, the BOM, tag characters) could recolour or rewrite a terminal, reverse how a
name reads, or break the XML of a .qdc/.qdpx. So:
- typed by a person (the CLI, the TUI): `checked_name` refuses them with a clear error;
- read from a file (YAML codebook, .qdc/.qdpx, participants CSV, a file name, a merged
  project): `cleaned_name` strips them and adds a note saying so;
- the store refuses to write them (`checked_name` again): the last line of defence.
Output to a terminal goes through `escape_controls` (see qualcode/cli/output.py).

Tabs, line breaks and other white space inside a name become one space; the name is NFC.
"""

from __future__ import annotations

import re
import unicodedata

from .errors import QualcodeError

# ESC and C1 CSI sequences as a whole (else "[31m" would be left behind), then single controls.
_SEQUENCE = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]?|\x9b[0-?]+[ -/]*[@-~]?"  # CSI ... final byte (8-bit CSI: with parameters)
    r"|(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"  # OSC, DCS, …
    r"|\x1b[ -/]*[0-~]?"  # other escapes (ESC ( B, ESC 7, …)
)
_CONTROL_CLASS = (
    "\x00-\x1f\x7f-\x9f"  # C0, DEL, C1
    "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"  # bidi marks, embeddings, overrides, isolates
    "\u2028\u2029\ufeff\ufff9-\ufffb\U000e0000-\U000e007f"  # separators, BOM, annotations, tags
)
_CONTROL = re.compile(f"[{_CONTROL_CLASS}]")
_SPACES = re.compile(r"[\t\n\v\f\r\x85\u2028\u2029]")


def unsafe_characters(value: str) -> list[str]:
    """The control characters in `value`, as U+XXXX, each once, in order."""
    seen: list[str] = []
    for ch in _CONTROL.findall(value):
        code = f"U+{ord(ch):04X}"
        if code not in seen:
            seen.append(code)
    return seen


def escape_controls(text: str, keep: str = "", *, json: bool = False) -> str:
    """`text` with every control character shown as an escape (\\x1b, \\u202e; with `json`,
    as JSON escapes \\u001b), but those in `keep` (say "\\n\\t" for a transcript): safe to
    print to a terminal, on as many lines as `keep` allows."""
    def escape(m: re.Match) -> str:
        ch = m.group(0)
        code = ord(ch)
        if ch in keep:
            return ch
        if json:
            if code > 0xFFFF:  # a surrogate pair
                code -= 0x10000
                return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"
            return f"\\u{code:04x}"
        return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"

    return _CONTROL.sub(escape, text) if _CONTROL.search(text) else text


def clean_name(value: str) -> str:
    """A name without control characters: escape sequences and controls removed, tabs and
    line breaks as spaces (a run of them as one), NFC, trimmed."""
    if _CONTROL.search(value):
        value = _SEQUENCE.sub("", _SPACES.sub(" ", value))
        value = " ".join(_CONTROL.sub("", value).split(" "))
        value = re.sub(" {2,}", " ", value)
    return unicodedata.normalize("NFC", value).strip()


def clean_text(value: str) -> str:
    """Longer text (a definition, a memo, an attribute) from a file: escape sequences and
    controls removed, but tabs and line breaks kept."""
    if not _CONTROL.search(value.replace("\n", "").replace("\t", "")):
        return value
    value = _SEQUENCE.sub("", value)
    return _CONTROL.sub(lambda m: m.group(0) if m.group(0) in "\n\t" else "", value)


def checked_name(value: str, what: str = "name") -> str:
    """`value` as typed by a person, refused (QualcodeError) when it holds control characters;
    otherwise NFC and trimmed."""
    found = unsafe_characters(value)
    if found:
        raise QualcodeError(f"a {what} cannot hold control characters ({', '.join(found)})",
                            escape_controls(value))
    return unicodedata.normalize("NFC", value).strip()


def cleaned_name(value: str, what: str, notes: list[str] | None = None, where: str = "") -> str:
    """`value` read from a file, cleaned (see `clean_name`); a note is added to `notes` when
    control characters were removed."""
    found = unsafe_characters(value)
    cleaned = clean_name(value)
    if found and notes is not None:
        place = f" ({where})" if where else ""
        notes.append(f"control characters ({', '.join(found)}) removed from the {what} "
                     f"'{escape_controls(value)}'{place}: now '{cleaned}'")
    return cleaned
