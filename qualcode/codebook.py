"""Codebook files (YAML) <-> plain model, with validation that names file, line and reason.

The YAML format, written to be edited by hand (see codebooks/balint.yaml):

    codebook: Title
    version: 1
    languages: [sv, zh, en]
    default_language: sv
    codes:
      - id: <uuid>            # optional when writing by hand; keep it once it exists
        name: Canonical name  # unique
        labels: {sv: …, zh: …, en: …}
        color: "#4E79A7"
        category: true        # a grouping category, not codable
        brief / definition / when_to_use / when_not_to_use / example: {sv: …, zh: …}
        children: [ …codes… ] # or, instead of nesting, `parent: Name`
    themes:
      - id: <uuid>
        name: Theme
        labels: {…}
        definition: {…}
        codes: [Canonical name, …]

A language map may also be a plain string, meaning the default language.
"""

from __future__ import annotations

import io
import re
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol, TypeVar

from .errors import QualcodeError
from .names import clean_text, cleaned_name

MACQUEEN_FIELDS = ("brief", "definition", "when_to_use", "when_not_to_use", "example")
CODE_KEYS = {"id", "name", "labels", "color", "category", "retired", "parent", "children", *MACQUEEN_FIELDS}
THEME_KEYS = {"id", "name", "labels", "definition", "codes"}
TOP_KEYS = {"codebook", "version", "languages", "default_language", "codes", "themes"}
COLOR = re.compile(r"^#(?:[0-9A-Fa-f]{6}|[0-9A-Fa-f]{3})$")


def normal_color(value: str | None) -> str | None:
    """#RRGGBB in capitals (what REFI-QDA wants), from #RGB or #rrggbb; None if not a colour."""
    if not value or not COLOR.match(value.strip()):
        return None
    value = value.strip().upper()
    return "#" + "".join(ch * 2 for ch in value[1:]) if len(value) == 4 else value


@dataclass
class CodeEntry:
    name: str
    uid: str | None = None
    parent: str | None = None  # canonical name of the parent
    labels: dict[str, str] = field(default_factory=dict)
    color: str | None = None
    codable: bool = True
    retired: bool = False
    texts: dict[str, dict[str, str]] = field(default_factory=dict)  # MacQueen field -> lang -> text
    line: int = field(default=0, compare=False)


@dataclass
class ThemeEntry:
    name: str
    uid: str | None = None
    labels: dict[str, str] = field(default_factory=dict)
    definition: dict[str, str] = field(default_factory=dict)
    codes: list[str] = field(default_factory=list)
    line: int = field(default=0, compare=False)


@dataclass
class Codebook:
    title: str | None = None
    version: str | None = None
    languages: list[str] = field(default_factory=list)
    default_language: str | None = None
    codes: list[CodeEntry] = field(default_factory=list)  # parents before children, siblings in order
    themes: list[ThemeEntry] = field(default_factory=list)
    # what reading the file changed, for the person who loads it (control characters removed)
    notes: list[str] = field(default_factory=list, compare=False)

    def children(self, parent: str | None) -> list[CodeEntry]:
        return [c for c in self.codes if c.parent == parent]


class Named(Protocol):
    uid: str | None
    name: str


E = TypeVar("E", bound=Named)
X = TypeVar("X", bound=Named)


def match_entries(entries: list[E], existing: list[X]) -> list[tuple[E, X | None]]:
    """Pair each incoming entry (a file's, a co-author's) with what the project has: by UUID,
    else by name — a project item of that name counts only when the incoming list does not
    mention its own UUID (then it is another item, renamed). The one matcher of codes and themes."""
    by_uid = {x.uid: x for x in existing}
    by_name: dict[str, list[X]] = {}  # a project's names are unique; a merge's twins share one
    for x in existing:
        by_name.setdefault(x.name, []).append(x)
    incoming_uids = {e.uid for e in entries if e.uid}
    used: set[str | None] = set()
    pairs = []
    for entry in entries:
        found = by_uid.get(entry.uid) if entry.uid else None
        if found is None:
            found = next((x for x in by_name.get(entry.name, [])
                          if x.uid not in used and x.uid not in incoming_uids), None)
        if found:
            used.add(found.uid)
        pairs.append((entry, found))
    return pairs


class CodebookError(QualcodeError):
    """Every problem found in a codebook file, each as 'file:line: reason' (`problems`, also
    the error's `details`). Its one line says the first and how many more there are:
    `qualcode codebook check FILE` lists them all."""

    def __init__(self, path: Path, problems: list[str]) -> None:
        more = len(problems) - 1
        message = problems[0] if not more else (
            f"{problems[0]} (and {more} more problem{'s' * (more > 1)}: 'qualcode codebook check {path}' lists all)")
        super().__init__(message, details=problems)
        self.path = Path(path)
        self.problems = problems


# --- reading ------------------------------------------------------------------------------------

def _yaml():
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt")
    yaml.preserve_quotes = False
    return yaml


def read_codebook(path: Path) -> Codebook:
    from .inputs import YAML_LIMIT, read_input

    path = Path(path)
    try:
        text = read_input(path, limit=YAML_LIMIT).decode("utf-8-sig")
    except UnicodeDecodeError:
        raise QualcodeError("a codebook must be UTF-8 text", path) from None
    return parse_codebook(text, path)


# What a hand-written codebook never needs, and what would make the YAML parser slow, deep
# or crash: checked before parsing, each a one-line error naming the file and line.
MAX_DEPTH = 64  # nesting of lists and mappings (a code tree is far shallower)
MAX_DIGITS = 300  # digits in a row (Python refuses integers of more than 4,300)
MAX_NODES = 1_000_000  # values in all


def _check_limits(text: str, path: Path) -> None:
    from .inputs import YAML_LIMIT

    name = path.name
    if len(text) > YAML_LIMIT:
        raise CodebookError(path, [f"{name}: too large for a codebook (at most {YAML_LIMIT // 2**20} MiB)"])
    digits = re.search(rf"\d{{{MAX_DIGITS + 1},}}", text)
    if digits:
        line = text.count("\n", 0, digits.start()) + 1
        raise CodebookError(path, [f"{name}:{line}: a number of more than {MAX_DIGITS} digits"])
    # flow nesting ([ and {), outside quotes and comments; the parser is slow on deep nesting
    depth = 0
    plain = re.sub(r"'[^'\n]*'|\"(?:[^\"\\\n]|\\.)*\"|(?:^|[ \t])#[^\n]*", "", text, flags=re.MULTILINE)
    for m in re.finditer(r"[\[\]{}]", plain):
        depth = depth + 1 if m.group(0) in "[{" else max(0, depth - 1)
        if depth > MAX_DEPTH:
            line = plain.count("\n", 0, m.start()) + 1
            raise CodebookError(path, [f"{name}:{line}: nested more than {MAX_DEPTH} levels deep"])


def _check_shape(data, path: Path) -> None:
    """No anchors used twice (aliases can make a small file huge, or a loop), no deep nesting."""
    seen: set[int] = set()
    stack = [(data, 1)]
    nodes = 0
    while stack:
        node, depth = stack.pop()
        nodes += 1
        if depth > MAX_DEPTH or nodes > MAX_NODES:
            raise CodebookError(path, [f"{path.name}:1: nested more than {MAX_DEPTH} levels deep or too large"])
        if isinstance(node, (dict, list)):
            anchor = getattr(getattr(node, "anchor", None), "value", None)
            if id(node) in seen or anchor:
                line = getattr(getattr(node, "lc", None), "line", 0) + 1
                raise CodebookError(path, [f"{path.name}:{line}: YAML anchors and aliases (&, *) are not supported"
                                           " in a codebook: write the value out"])
            seen.add(id(node))
            stack.extend((child, depth + 1) for child in (node.values() if isinstance(node, dict) else node))


def parse_codebook(text: str, path: Path | str = "<codebook>") -> Codebook:
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    name = Path(path).name
    _check_limits(text, Path(path))
    try:
        data = _yaml().load(text)
    except RecursionError:
        raise CodebookError(Path(path), [f"{name}:1: nested too deeply (at most {MAX_DEPTH} levels)"]) from None
    except ValueError as exc:  # a scalar the constructor cannot convert
        raise CodebookError(Path(path), [f"{name}:1: not valid YAML: {exc}"]) from None
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        raise CodebookError(Path(path), [f"{name}:{line}: not valid YAML: {exc.problem or exc.context}"]) from None
    except YAMLError as exc:
        raise CodebookError(Path(path), [f"{name}:1: not valid YAML: {exc}"]) from None
    _check_shape(data, Path(path))
    return _Reader(name, Path(path)).read(data)


class _Reader:
    def __init__(self, name: str, path: Path) -> None:
        self.name = name
        self.path = path
        self.problems: list[str] = []
        self.notes: list[str] = []

    def clean(self, value: str | None, what: str, line: int) -> str | None:
        """A name from the file without control characters (removed, with a note)."""
        return cleaned_name(value, what, self.notes, f"{self.name}:{line}") or None if value is not None else None

    def clean_text(self, value: str, what: str, line: int) -> str:
        cleaned = clean_text(value)
        if cleaned != value:
            self.notes.append(f"control characters removed from the {what} ({self.name}:{line})")
        return cleaned

    def problem(self, line: int, reason: str) -> None:
        self.problems.append(f"{self.name}:{line}: {reason}")

    def read(self, data) -> Codebook:
        from ruamel.yaml.comments import CommentedMap, CommentedSeq

        if not isinstance(data, CommentedMap):
            raise CodebookError(self.path, [f"{self.name}:1: a codebook is a mapping with 'codes:' (and 'themes:')"])
        for key in data:
            if key not in TOP_KEYS:
                self.problem(_line(data, key), f"unknown field '{key}' (expected one of {', '.join(sorted(TOP_KEYS))})")
        book = Codebook(
            title=self.clean(_str(data.get("codebook")), "codebook title", _line(data, "codebook")),
            version=self.clean(_str(data.get("version")), "version", _line(data, "version")),
            languages=[self.clean(str(x), "language", _line(data, "languages")) or "?"
                       for x in data.get("languages") or []],
            default_language=self.clean(_str(data.get("default_language")), "language",
                                        _line(data, "default_language")),
        )
        self.default = book.default_language or (book.languages[0] if book.languages else "en")
        codes = data.get("codes")
        if codes is None:
            self.problem(1, "no 'codes:' list")
        elif not isinstance(codes, CommentedSeq):
            self.problem(_line(data, "codes"), "'codes' must be a list")
        else:
            self.read_codes(codes, None, book)
        themes = data.get("themes") or []
        if not isinstance(themes, CommentedSeq) and themes:
            self.problem(_line(data, "themes"), "'themes' must be a list")
        else:
            for i, item in enumerate(themes):
                theme = self.read_theme(item, _item_line(themes, i))
                if theme:
                    book.themes.append(theme)
        self.check(book)
        if self.problems:
            raise CodebookError(self.path, self.problems)
        book.codes = _tree_order(book.codes)
        book.notes = self.notes
        return book

    def read_codes(self, items, parent: str | None, book: Codebook) -> None:
        from ruamel.yaml.comments import CommentedMap, CommentedSeq

        for i, item in enumerate(items):
            line = _item_line(items, i)
            if not isinstance(item, CommentedMap):
                self.problem(line, "a code must be a mapping with at least 'name:'")
                continue
            line = item.lc.line + 1
            for key in item:
                if key not in CODE_KEYS:
                    self.problem(_line(item, key), f"unknown field '{key}' in code")
            if item.get("name") is not None and not isinstance(item.get("name"), str):
                # YAML reads 1.10 as the number 1.1: a name must be text
                self.problem(_line(item, "name"), f"the name {item.get('name')!r} is not text: put it in quotes")
                continue
            name = self.clean(_str(item.get("name")), "code name", _line(item, "name"))
            if not name:
                self.problem(line, "a code without a name")
                continue
            explicit_parent = self.clean(_str(item.get("parent")), "parent name", _line(item, "parent"))
            if explicit_parent and parent is not None and explicit_parent != parent:
                self.problem(_line(item, "parent"),
                             f"code '{name}' is nested under '{parent}' but says parent '{explicit_parent}'")
            entry = CodeEntry(
                name=name, uid=self.read_uid(item, line), parent=parent or explicit_parent,
                labels=self.lang_map(item, "labels"), color=self.read_color(item),
                codable=not bool(item.get("category", False)), retired=bool(item.get("retired", False)),
                texts={f: self.lang_map(item, f) for f in MACQUEEN_FIELDS if item.get(f) is not None},
                line=line,
            )
            book.codes.append(entry)
            children = item.get("children")
            if children is not None:
                if isinstance(children, CommentedSeq):
                    self.read_codes(children, name, book)
                else:
                    self.problem(_line(item, "children"), f"'children' of '{name}' must be a list")

    def read_theme(self, item, line: int) -> ThemeEntry | None:
        from ruamel.yaml.comments import CommentedMap

        if not isinstance(item, CommentedMap):
            self.problem(line, "a theme must be a mapping with at least 'name:'")
            return None
        line = item.lc.line + 1
        for key in item:
            if key not in THEME_KEYS:
                self.problem(_line(item, key), f"unknown field '{key}' in theme")
        name = self.clean(_str(item.get("name")), "theme name", _line(item, "name"))
        if not name:
            self.problem(line, "a theme without a name")
            return None
        codes = item.get("codes") or []
        if not isinstance(codes, list):
            self.problem(_line(item, "codes"), f"'codes' of theme '{name}' must be a list of code names")
            codes = []
        return ThemeEntry(name=name, uid=self.read_uid(item, line), labels=self.lang_map(item, "labels"),
                          definition=self.lang_map(item, "definition"),
                          codes=[self.clean(str(c), "code name", _line(item, "codes")) or "" for c in codes],
                          line=line)

    def read_uid(self, item, line: int) -> str | None:
        value = item.get("id")
        if value is None:
            return None
        try:
            return str(uuid.UUID(str(value).strip("{}")))
        except ValueError:
            self.problem(_line(item, "id"), f"'{value}' is not a UUID")
            return None

    def read_color(self, item) -> str | None:
        value = item.get("color")
        if value is None:
            return None
        if not normal_color(str(value)):
            self.problem(_line(item, "color"), f"bad colour '{value}' (use #RRGGBB)")
            return None
        return normal_color(str(value))

    def lang_map(self, item, key: str) -> dict[str, str]:
        from ruamel.yaml.comments import CommentedMap

        value = item.get(key)
        if value is None:
            return {}
        what = key.replace("_", " ").rstrip("s")

        def cleaned(text: str, line: int) -> str:
            if key == "labels":
                return self.clean(text, "label", line) or ""
            return self.clean_text(text, what, line).strip()

        if isinstance(value, str):
            return {self.default: cleaned(value, _line(item, key))}
        if not isinstance(value, CommentedMap):
            self.problem(_line(item, key), f"'{key}' must be text or a map of language: text")
            return {}
        result = {}
        for lang, text in value.items():
            if not isinstance(text, str):
                self.problem(_line(value, lang), f"'{key}' in {lang} must be text")
                continue
            result[self.clean(str(lang), "language", _line(value, lang)) or "?"] = cleaned(text, _line(value, lang))
        return result

    def check(self, book: Codebook) -> None:
        seen_uids: dict[str, int] = {}
        seen_names = self.unique(book.codes, "code", seen_uids)
        for code in book.codes:
            if code.parent and code.parent not in seen_names:
                self.problem(code.line, f"unknown parent '{code.parent}' of code '{code.name}'")
        parents = {c.name: c.parent for c in book.codes}
        for code in book.codes:
            seen, current = {code.name}, code.parent
            while current in parents:
                if current in seen:
                    self.problem(code.line, f"code '{code.name}' is its own ancestor (a cycle through '{current}')")
                    break
                seen.add(current)
                current = parents[current]
        self.unique(book.themes, "theme", seen_uids)
        for theme in book.themes:
            for name in theme.codes:
                if name not in seen_names:
                    self.problem(theme.line, f"theme '{theme.name}' names unknown code '{name}'")

    def unique(self, entries: list, kind: str, seen_uids: dict[str, int]) -> dict[str, int]:
        """Report repeated names (within the kind) and ids (across kinds); return name -> line."""
        seen_names: dict[str, int] = {}
        for entry in entries:
            if entry.name in seen_names:
                self.problem(entry.line,
                             f"duplicate {kind} name '{entry.name}' (first at line {seen_names[entry.name]})")
            seen_names.setdefault(entry.name, entry.line)
            if entry.uid and entry.uid in seen_uids:
                self.problem(entry.line, f"duplicate id {entry.uid} (first at line {seen_uids[entry.uid]})")
            if entry.uid:
                seen_uids.setdefault(entry.uid, entry.line)
        return seen_names


def _tree_order(codes: list[CodeEntry]) -> list[CodeEntry]:
    """Parents before children, siblings in file order (flat `parent:` entries may come first)."""
    by_parent: dict[str | None, list[CodeEntry]] = {}
    for c in codes:
        by_parent.setdefault(c.parent, []).append(c)
    ordered: list[CodeEntry] = []

    def walk(parent: str | None) -> None:
        for c in by_parent.get(parent, []):
            ordered.append(c)
            walk(c.name)

    walk(None)
    return ordered


def _str(value) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _line(mapping, key) -> int:
    try:
        return mapping.lc.key(key)[0] + 1
    except (AttributeError, KeyError, TypeError):
        return mapping.lc.line + 1 if hasattr(mapping, "lc") else 1


def _item_line(seq, index: int) -> int:
    try:
        return seq.lc.item(index)[0] + 1
    except (AttributeError, KeyError, TypeError, IndexError):
        return 1


# --- writing ------------------------------------------------------------------------------------

def codebook_yaml(book: Codebook) -> str:
    """The codebook as YAML in the hand-editing format (nested children, language maps)."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    def flow(mapping: dict[str, str]) -> CommentedMap:
        m = CommentedMap(mapping)
        if all(len(v) < 40 for v in mapping.values()):
            m.fa.set_flow_style()
        return m

    def head(entry) -> CommentedMap:
        """id, name and labels: how both a code and a theme begin."""
        node = CommentedMap()
        if entry.uid:
            node["id"] = entry.uid
        node["name"] = entry.name
        if entry.labels:
            node["labels"] = flow(entry.labels)
        return node

    def code_node(code: CodeEntry) -> CommentedMap:
        node = head(code)
        if code.color:
            node["color"] = code.color
        if not code.codable:
            node["category"] = True
        if code.retired:
            node["retired"] = True
        for f in MACQUEEN_FIELDS:
            if code.texts.get(f):
                node[f] = CommentedMap(code.texts[f])
        children = book.children(code.name)
        if children:
            node["children"] = CommentedSeq([code_node(c) for c in children])
        return node

    root = CommentedMap()
    if book.title:
        root["codebook"] = book.title
    if book.version:
        root["version"] = int(book.version) if book.version.isdigit() else book.version
    if book.languages:
        langs = CommentedSeq(book.languages)
        langs.fa.set_flow_style()
        root["languages"] = langs
    if book.default_language:
        root["default_language"] = book.default_language
    root["codes"] = CommentedSeq([code_node(c) for c in book.children(None)])
    if book.themes:
        themes = CommentedSeq()
        for t in book.themes:
            node = head(t)
            if t.definition:
                node["definition"] = CommentedMap(t.definition)
            codes = CommentedSeq(t.codes)
            node["codes"] = codes
            themes.append(node)
        root["themes"] = themes
    yaml = _yaml()
    yaml.width = 100
    yaml.indent(mapping=2, sequence=4, offset=2)
    out = io.StringIO()
    yaml.dump(root, out)
    return out.getvalue()
