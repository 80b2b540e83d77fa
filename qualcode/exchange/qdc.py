"""REFI-QDA codebooks (.qdc), and the codebook inside a .qdpx project.

The MacQueen fields and the labels in other languages have no place of their own in
REFI, so they travel in each code's <Description> in a layout people can read and we
parse back:

    [sv] Trygghet i gruppen
    Brief definition: …
    Full definition: …
    When to use: …
    When not to use: …
    Example: …

    [zh] 小组中的安全感
    Brief definition: …

A description without that layout (from another tool) becomes the code's definition.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..codebook import MACQUEEN_FIELDS, Codebook, CodeEntry, ThemeEntry, normal_color
from ..errors import QualcodeError
from ..inputs import DOCUMENT_LIMIT, read_input
from ..model import FIELD_TITLES
from ..names import clean_name, clean_text, cleaned_name, escape_controls
from .refi import CODEBOOK_NS, child, children, guid, local, open_archive, parse_xml, project_xml, refi_guid

_TITLE_FIELDS = {title: f for f, title in FIELD_TITLES.items()}
_SECTION = re.compile(r"^\[([A-Za-z]{2,3}(?:-[A-Za-z0-9]+)*)\](?:[ \t]+(.*))?$")
_FIELD_LINE = re.compile(rf"^({'|'.join(map(re.escape, FIELD_TITLES.values()))}|Definition): ?(.*)$")


def pack_description(languages: list[str], labels: dict[str, str], texts: dict[str, dict[str, str]]) -> str:
    langs = [x for x in languages if x in labels or any(x in t for t in texts.values())]
    langs += sorted({x for t in [labels, *texts.values()] for x in t} - set(langs))
    blocks = []
    for lang in langs:
        lines = [f"[{lang}]" + (f" {labels[lang]}" if labels.get(lang) else "")]
        for f in MACQUEEN_FIELDS:
            if texts.get(f, {}).get(lang):
                lines.append(f"{FIELD_TITLES[f]}: {texts[f][lang]}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def unpack_description(text: str | None, fallback_lang: str) -> tuple[dict[str, str], dict[str, dict[str, str]]]:
    """(labels, texts) from a packed description; plain text becomes the definition."""
    labels: dict[str, str] = {}
    texts: dict[str, dict[str, str]] = {}
    if not text or not text.strip():
        return labels, texts
    lines = text.replace("\r\n", "\n").split("\n")
    if not any(_SECTION.match(line) for line in lines):
        return labels, {"definition": {fallback_lang: text.strip()}}
    lang, current = None, None
    for line in lines:
        section = _SECTION.match(line)
        if section:
            lang, current = section[1], None
            if section[2]:
                labels[lang] = section[2].strip()
            continue
        field_line = _FIELD_LINE.match(line)
        if field_line and lang:
            current = _TITLE_FIELDS.get(field_line[1], "definition")
            texts.setdefault(current, {})[lang] = field_line[2].strip()
        elif current and lang and line.strip():
            texts[current][lang] += "\n" + line.strip()
    return labels, texts


def qdc_bytes(book: Codebook, origin: str = "qualcode") -> bytes:
    from lxml import etree

    ns = f"{{{CODEBOOK_NS}}}"
    root = etree.Element(f"{ns}CodeBook", nsmap={None: CODEBOOK_NS}, origin=origin)
    codes = etree.SubElement(root, f"{ns}Codes")
    append_codes(codes, book, None, ns)
    uids = {c.name: c.uid for c in book.codes}
    if book.themes:
        sets = etree.SubElement(root, f"{ns}Sets")
        for theme in book.themes:
            append_set(sets, book, theme, ns, uids, member="MemberCode", attribute="guid")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def append_codes(parent, book: Codebook, parent_name: str | None, ns: str) -> None:
    """Nested <Code> elements (shared with the .qdpx writer)."""
    from lxml import etree

    for code in book.children(parent_name):
        codable = code.codable and not code.retired
        # names of an older project may hold control characters: none goes into the XML
        attributes = {"guid": refi_guid(code.uid), "name": clean_name(code.name),
                      "isCodable": "true" if codable else "false"}
        if code.color:
            attributes["color"] = code.color
        element = etree.SubElement(parent, f"{ns}Code", attributes)
        description = pack_description(book.languages, code.labels, code.texts)
        if code.retired:
            description = "(retired)\n" + description
        if description:
            etree.SubElement(element, f"{ns}Description").text = clean_text(description)
        append_codes(element, book, code.name, ns)


def append_set(parent, book: Codebook, theme: ThemeEntry, ns: str, uids: dict[str, str], *,
               member: str, attribute: str) -> None:
    from lxml import etree

    element = etree.SubElement(parent, f"{ns}Set", guid=refi_guid(theme.uid), name=clean_name(theme.name))
    description = pack_description(book.languages, theme.labels, {"definition": theme.definition})
    if description:
        etree.SubElement(element, f"{ns}Description").text = clean_text(description)
    for name in theme.codes:
        etree.SubElement(element, f"{ns}{member}", {attribute: refi_guid(uids[name])})


def read_qdc(path: Path, fallback_lang: str = "en") -> Codebook:
    """A codebook from a .qdc, or from the CodeBook and Sets of a .qdpx project."""
    path = Path(path)
    if path.suffix.lower() in (".qdpx", ".zip"):
        with open_archive(path) as archive:
            root = project_xml(archive, path)
        codebook = child(root, "CodeBook")
        codes = child(codebook, "Codes") if codebook is not None else None
        sets = child(root, "Sets")
        member, attribute = "MemberCode", "targetGUID"
    else:
        root = parse_xml(read_input(path, limit=DOCUMENT_LIMIT), path.name)
        if local(root) != "CodeBook":
            raise QualcodeError(f"not a REFI-QDA codebook (root element is <{local(root)}>)", path)
        codes, sets = child(root, "Codes"), child(root, "Sets")
        member, attribute = "MemberCode", "guid"
    book = Codebook(title=clean_name(path.stem), languages=[])
    if codes is not None:
        _read_codes(codes, None, book, path, fallback_lang, set())
    by_uid = {c.uid: c.name for c in book.codes}
    for s in children(sets, "Set") if sets is not None else []:
        where = f"{path.name}: Set '{escape_controls(s.get('name') or '')}'"
        names = []
        for m in children(s, member):
            target = guid(m.get(attribute), where)
            if target in by_uid:  # sets of sources or notes (MAXQDA) are not themes
                names.append(by_uid[target])
        if not names and children(s, member) == []:
            continue
        labels, texts = _clean_description(_text(child(s, "Description")), fallback_lang, book, where)
        base = cleaned_name(s.get("name") or "", "theme name", book.notes, where) or "Set"
        name, n = base, 2
        while any(t.name == name for t in book.themes):  # other tools allow twins; we number them
            name, n = f"{base} ({n})", n + 1
        book.themes.append(ThemeEntry(name=name, uid=guid(s.get("guid"), where),
                                      labels=labels, definition=texts.get("definition", {}), codes=names))
    book.languages = sorted({x for c in book.codes for x in c.labels}
                            | {x for c in book.codes for t in c.texts.values() for x in t})
    return book


def _read_codes(parent, parent_name: str | None, book: Codebook, path: Path, lang: str, names: set[str]) -> None:
    for element in children(parent, "Code"):
        where = f"{path.name}: Code '{escape_controls(element.get('name') or '')}'"
        name = cleaned_name(element.get("name") or "", "code name", book.notes, path.name) or "(unnamed)"
        unique, n = name, 2
        while unique in names:  # other tools allow twins under different parents
            unique, n = f"{name} ({n})", n + 1
        names.add(unique)
        labels, texts = _clean_description(_text(child(element, "Description")), lang, book, where)
        color = element.get("color")
        book.codes.append(CodeEntry(
            name=unique, uid=guid(element.get("guid"), where), parent=parent_name, labels=labels,
            # other tools write #RGB, #rrggbb or (wrongly) #RRGGBBAA: keep the colour, drop alpha
            color=normal_color(color[:7] if color and len(color) == 9 else color),
            codable=(element.get("isCodable", "true").strip().lower() in ("true", "1")), texts=texts,
        ))
        _read_codes(element, unique, book, path, lang, names)


def _clean_description(text: str | None, lang: str, book: Codebook, where: str):
    """Labels and texts of a description, without control characters (removed, with a note)."""
    labels, texts = unpack_description(text, lang)
    labels = {cleaned_name(k, "language", book.notes, where): cleaned_name(v, "label", book.notes, where)
              for k, v in labels.items()}
    for field_texts in texts.values():
        for k, v in list(field_texts.items()):
            if clean_text(v) != v:
                book.notes.append(f"control characters removed from a description ({where})")
            field_texts[k] = clean_text(v)
    return labels, texts


def _text(element) -> str | None:
    return element.text if element is not None else None

