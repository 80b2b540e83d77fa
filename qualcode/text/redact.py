"""Redaction: every form of a redacted name in a text becomes `[namn]`, `[姓名]` or `[name]`.

Pure and fast: one compiled regex per set of names, applied to each outward text. A name is
found through
- Unicode forms: composed or decomposed (NFC/NFD), compatibility forms (NFKC: full-width
  letters, the Ångström sign, mathematical letters, ligatures such as "ﬁ"), and any case;
- invisible characters inside it (soft hyphen, ZWSP, ZWJ, ZWNJ, word joiner, BOM, bidi marks and
  the other default-ignorable code points);
- a line break inside it, with or without a hyphen ("Kungs-\\nbacka"), and any run of white
  space, tabs or line breaks between its words ("Åsa \\t Öberg", "Åsa\\nÖberg").

Where a Latin-script name counts (the rule, by the name's length in letters):
- always: as a whole word, and with a genitive s ("Åsas", "åsas", "Åsa's" keeps its "'s");
  digits and "_" are no letters, so "Åsa2:" and "intervju_Åsa" hold the name as a word;
- 5+ letters: also as the first part of any longer word, in any case: compounds and
  inflections ("Kungsbackamottagningen", "kungsbackabor", "Öbergska");
- up to 4 letters: as the first part of a longer word only when that word is capitalised
  ("Lundabor", "Åsamottagningen"): lower-case words that begin with a short name are
  ordinary words ("annars" for Anna, "personal" for Per, "bor" for Bo). A capitalised
  ordinary word at a sentence start ("Personligen") is redacted too: the safe side;
- 6+ letters: also at the end or in the middle of a word ("Storkungsbacka",
  "Nordkungsbackabor"): a name that long inside another word is that name;
- a word starting after a lower-case letter with a capital ("ÅsaÖberg", "IntervjuKungsbacka")
  starts there.
A name with a Chinese (Han) character matches anywhere, also across spaces, line breaks and
joiners between its characters (hyphens and dashes, "_", middle dots: "王-芳", "王_芳", "王·芳"):
Chinese has no word boundaries. Traditional and simplified forms
(陈/陳) are different names: redact both if both occur.

The parts of a name of several words are names too (each by the rule above): redacting
"Åsa Öberg" also redacts a lone "Åsa" and "Öberg". Parts in lower case ("af", "van", "de")
are particles, not names, and are not redacted on their own.

A compound keeps its meaning: "Kungsbackamottagningen" becomes "[namn]-mottagningen",
"Åsas" becomes "[namn]:s" (a placeholder takes its genitive after a colon, as in "USA:s").

A pseudonym (a speaker label standing for a participant) may ask for less: `Name(label,
alias, whole_word=True, parts=False)` counts only as a whole word, with a genitive s, between
characters that are neither letters nor digits ("Anna" in "Anna sa", "Annas"; not "Annan",
"Annika" or "Anna2"), and not by its parts ("Läkare 2" is not "Läkare"). A name given both
ways counts by the wider rule.

The redacted output is what was asked; positions move. `redact_with_map` also returns an
`OffsetMap` from old to new positions, for coded segments of a redacted document.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass

PLACEHOLDERS = {"sv": "[namn]", "zh": "[姓名]", "en": "[name]"}

# Default-ignorable code points (Unicode DerivedCoreProperties) and other format characters:
# invisible in print, so a name with one inside still reads as the name.
INVISIBLE = (
    "\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e"
    "\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufffb"
    "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0000-\U000e0fff"
)
_HYPHENS = "\\-\u2010\u2011"
_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003ffff"
# letters of words with boundaries: Unicode letters but digits, "_" and Han/kana/hangul
_LETTER = f"[^\\W\\d_{_HAN}\u3040-\u30ff\u1100-\u11ff\uac00-\ud7a3]"
_INV = f"[{INVISIBLE}]"
_WORD_CHAR = f"(?:{_LETTER}|\\d)"  # what a whole-word pseudonym may not touch
# inside a name: invisibles, and a line break (after a hyphen or not) or a hyphen ending a
# wrapped line; atomic and possessive, so long runs never backtrack
_SEP_LATIN = f"(?>{_INV}*+(?:[{_HYPHENS}]?[ \\t]*+(?:\\n[ \\t]*+)++|[{_HYPHENS}][ \\t]*+)?{_INV}*+)"
# between the characters of a Chinese name: what joins a name's parts in a label, a file name or
# a romanised or transcribed name ("王-芳", "王_芳", "王·芳"), as well as white space
HAN_JOINERS = "\\-\u2010-\u2013\uff0d_\uff3f\u00b7\u2027\u30fb\uff65"
_SEP_HAN = f"(?>(?:\\s|{_INV}|[{HAN_JOINERS}])*+)"
_SPACE = f"(?>(?:\\s|{_INV})++)"

PREFIX_ANY_CASE = 5  # letters: a name this long is redacted at the start of any word
INSIDE_WORDS = 6  # letters: a name this long is redacted anywhere inside a word


def placeholder(lang: str | None) -> str:
    """What a redacted name becomes in an export in `lang` (sv, zh, en; others: [name])."""
    return PLACEHOLDERS.get((lang or "en").split("-")[0].lower(), PLACEHOLDERS["en"])


def fold(text: str) -> str:
    """The form names are compared in: NFKC, case-folded, without invisible characters, a
    hyphenated line break joined, white space runs as one space. Also the form to search an
    export's text in for leaks (see `find_leaks`)."""
    text = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())
    text = _INVISIBLE_RE.sub("", text)
    text = re.sub(f"[{_HYPHENS}][ \\t]*\\n\\s*", "", text)
    return " ".join(text.split())


_INVISIBLE_RE = re.compile(f"{_INV}+")
_SQUASH_RE = re.compile(f"[\\s{INVISIBLE}{_HYPHENS}{HAN_JOINERS}]+")


def _squash(text: str) -> str:
    """Folded, without white space, hyphens, joiners or invisibles: every match of a name, squashed,
    is its name squashed; a text whose squash holds no squashed name holds no name."""
    return _SQUASH_RE.sub("", unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold()))


def _is_han(text: str) -> bool:
    return any(re.match(f"[{_HAN}]", ch) for ch in text)


def name_forms(names: Iterable[str]) -> list[str]:
    """The folded names a list of redacted names stands for: each name, and the capitalised
    parts of a name of several words (of two letters or more). Longest first."""
    forms: set[str] = set()
    for name in names:
        folded = fold(name)
        if not folded:
            continue
        forms.add(folded)
        if " " in folded and not _is_han(folded):
            for part in unicodedata.normalize("NFKC", name).split():
                part = _INVISIBLE_RE.sub("", part)
                if sum(ch.isalpha() for ch in part) >= 2 and part[0].isupper():  # an initial is no name
                    forms.add(fold(part))
    return sorted(forms, key=lambda f: (-len(f), f))


# --- character variants --------------------------------------------------------------------

_SCANNED = [(0, 0xD800), (0xE000, 0x10000), (0x1D400, 0x1D800), (0x1F100, 0x1F200), (0x2F800, 0x2FA20)]


@functools.cache
def _variants() -> tuple[dict[str, list[str]], dict[str, list[str]], str, str]:
    """folded character -> the code points that fold to it; folded string of 2-3 characters
    -> the single code points that fold to it (ligatures, ß); the classes of lower-case
    letters and of combining marks."""
    single: dict[str, list[str]] = {}
    multi: dict[str, list[str]] = {}
    lower: list[str] = []
    marks: list[str] = []
    for first, stop in _SCANNED:
        for cp in range(first, stop):
            ch = chr(cp)
            folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", ch).casefold())
            if len(folded) == 1:
                single.setdefault(folded, []).append(ch)
            elif 2 <= len(folded) <= 3 and folded.isalpha():
                multi.setdefault(folded, []).append(ch)
            if ch.islower() and cp < 0x10000:
                lower.append(ch)
            if unicodedata.category(ch).startswith("M"):
                marks.append(ch)
    return single, multi, _char_class(lower), _char_class(marks)


def _char_class(chars: Iterable[str]) -> str:
    """A regex character class of `chars`, as ranges."""
    codes = sorted({ord(c) for c in chars})
    parts: list[str] = []
    i = 0
    while i < len(codes):
        j = i
        while j + 1 < len(codes) and codes[j + 1] == codes[j] + 1:
            j += 1
        a, b = chr(codes[i]), chr(codes[j])
        parts.append(re.escape(a) if i == j else f"{re.escape(a)}-{re.escape(b)}")
        i = j + 1
    return "[" + "".join(parts) + "]"


def _char_variants(folded: str, upper_only: bool = False) -> tuple[list[str], list[tuple[list[str], str]]]:
    """Every way to write one folded character: its single code points, and (base code
    points, combining marks) for decomposed forms (å as a + ring, also Ａ + ring)."""
    single = _variants()[0]
    chars = [c for c in single.get(folded, [folded]) if not upper_only or c.isupper() or c.istitle()]
    if not upper_only and folded not in chars:
        chars.append(folded)
    decomposed = unicodedata.normalize("NFD", folded)
    if len(decomposed) == 1:
        return chars, []
    return chars, [(_char_variants(decomposed[0], upper_only)[0], re.escape(decomposed[1:]))]


def _char_pattern(folded: str) -> str:
    chars, decomposed = _char_variants(folded)
    alternatives = [_char_class(base) + marks for base, marks in decomposed] + [_char_class(chars)]
    return alternatives[0] if len(alternatives) == 1 else "(?:" + "|".join(alternatives) + ")"


def _word_pattern(word: str, sep: str) -> str:
    """One word of a name, a separator allowed between its characters; ligatures (ﬁ, ß) may
    stand for two or three of its characters."""
    if not word:
        return ""
    multi = _variants()[1]
    n = len(word)
    # pieces[i]: (length, pattern) for what may stand at position i
    pieces: list[list[tuple[int, str]]] = []
    for i in range(n):
        options = [(1, _char_pattern(word[i]))]
        for k in (2, 3):
            glyphs = multi.get(word[i : i + k]) if i + k <= n else None
            if glyphs:
                options.append((k, _char_class(glyphs)))
        pieces.append(options)
    # units: maximal stretches joined by a ligature; inside each, every way to cut it
    out: list[str] = []
    i = 0
    while i < n:
        end = i + 1
        j = i
        while j < end:
            end = max(end, *(j + k for k, _ in pieces[j]))
            j += 1
        out.append(_unit(pieces, i, end, sep))
        i = end
    return sep.join(out)


def _unit(pieces, start: int, end: int, sep: str) -> str:
    if end - start == 1:
        return pieces[start][0][1]

    def ways(i: int) -> list[str]:
        if i == end:
            return [""]
        found = []
        for k, pattern in pieces[i]:
            if i + k <= end:
                found += [pattern + (sep + rest if rest else "") for rest in ways(i + k)]
        return found

    return "(?:" + "|".join(ways(start)) + ")"


Head = tuple[frozenset[str], str]  # (the code points a match may begin with, what follows)


def _heads(form: str, sep: str, space: str, upper_only: bool = False) -> list[Head]:
    """A name pattern cut after its first code point: every way the name can begin (a code
    point of its first character, a base letter before combining marks, a ligature), each
    with the regex for the rest of the name."""
    first, *others = form.split(" ")
    tail = "".join(space + _word_pattern(w, sep) for w in others)

    def rest(i: int) -> str:
        return (sep + _word_pattern(first[i:], sep) if i < len(first) else "") + tail

    chars, decomposed = _char_variants(first[0], upper_only)
    heads: list[Head] = [(frozenset(chars), rest(1))] if chars else []
    heads += [(frozenset(base), marks + rest(1)) for base, marks in decomposed if base]
    if not upper_only:
        multi = _variants()[1]
        heads += [(frozenset(multi[first[:k]]), rest(k)) for k in (2, 3) if multi.get(first[:k])]
    return heads


Branch = tuple[frozenset[str], str, bool]  # (first code points, what follows, has a genitive group)
_GENITIVE = "(?P<\x00>" + _SEP_LATIN + "%s" + f"(?!{_LETTER}))?+"  # \x00: the group's name, given later


def _name_branches(form: str, whole_word: bool = False) -> list[Branch]:
    """The heads of one folded name with the boundaries its length asks for (module doc)."""
    branches: list[Branch] = []

    def add(heads: list[Head], before: str, after: str, genitive: bool) -> None:
        s = _GENITIVE % _char_pattern("s") if genitive else ""
        branches.extend((chars, f"{before}{rest}{s}{after}", genitive) for chars, rest in heads)

    if _is_han(form):
        add(_heads(form, _SEP_HAN, _SPACE), "", "", False)
        return branches
    letters = sum(1 for ch in form if ch.isalpha())
    heads = _heads(form, _SEP_LATIN, _SPACE)
    upper = _heads(form, _SEP_LATIN, _SPACE, upper_only=True)
    # the boundary is looked at after the first code point is taken: [\s\S] stands for it
    word_start = f"(?<!{_LETTER}[\\s\\S])"
    camel_start = f"(?<={_variants()[2]}[\\s\\S])"
    if whole_word:
        add(heads, f"(?<!{_WORD_CHAR}[\\s\\S])", f"(?!{_WORD_CHAR})", True)
    elif letters >= INSIDE_WORDS:
        add(heads, "", "", True)
    elif letters >= PREFIX_ANY_CASE:
        add(heads, word_start, "", True)
        add(upper, camel_start, "", True)
    else:
        add(heads, word_start, f"(?!{_LETTER})", True)
        add(upper, word_start, f"(?={_LETTER})", False)
        add(upper, camel_start, "", True)
    return branches


# --- the redactor ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Name:
    """A name to replace, with what it becomes (None: the placeholder) and how it counts:
    `whole_word` only as a whole word (a speaker label), `parts` also by its capitalised parts."""

    name: str
    alias: str | None = None
    whole_word: bool = False
    parts: bool = True


@dataclass(frozen=True)
class Replacement:
    """One redacted stretch: [start, end) of the old text became [new_start, new_end)."""

    start: int
    end: int
    new_start: int
    new_end: int
    name: str  # the folded name found


class OffsetMap:
    """Old positions -> new positions after redaction. A position inside a redacted stretch
    maps to the start of its replacement as a start, to its end as an end, so a coded
    segment that cut into a name covers the whole placeholder."""

    def __init__(self, replacements: list[Replacement], old_length: int, new_length: int) -> None:
        self.replacements = replacements
        self.old_length = old_length
        self.new_length = new_length
        self._starts = [r.start for r in replacements]

    def position(self, old: int, *, end: bool = False) -> int:
        if not 0 <= old <= self.old_length:
            raise ValueError(f"position {old} outside 0:{self.old_length}")
        i = bisect_right(self._starts, old) - 1
        if i < 0:
            return old
        r = self.replacements[i]
        if old == r.start:
            # a start at a name's first character covers it; an end there stops before it
            return r.new_start
        if old < r.end:
            return r.new_end if end else r.new_start
        return old - r.end + r.new_end

    def span(self, start: int, end: int) -> tuple[int, int]:
        """A half-open span of the old text in the new text."""
        new_start, new_end = self.position(start), self.position(end, end=True)
        return new_start, max(new_start, new_end)


class Redactor:
    """Replaces every form of the given names (see the module doc) by a placeholder.

    `names` are strings, (name, replacement) pairs for a pseudonym instead of the
    placeholder, or `Name`s. Build it once per export and call it on every text: `redactor(text)`.
    """

    def __init__(self, names: Iterable[str | tuple[str, str] | Name], lang: str | None = "en", *,
                 parts: bool = True) -> None:
        self.placeholder = placeholder(lang)
        aliases: dict[str, str] = {}
        wide: set[str] = set()  # forms counted by the full rule (not only as whole words)
        for item in names:
            if isinstance(item, str):
                item = Name(item, parts=parts)
            elif not isinstance(item, Name):
                item = Name(item[0], item[1], parts=parts)
            forms = name_forms([item.name]) if item.parts else [f for f in [fold(item.name)] if f]
            for form in forms:
                aliases.setdefault(form, item.alias or self.placeholder)  # the first list entry wins
                if not item.whole_word:
                    wide.add(form)
        self.forms = sorted(aliases, key=lambda f: (-len(f), f))
        self.whole_words = frozenset(aliases) - wide
        self._aliases = aliases
        self._compiled: tuple[re.Pattern | None, dict[str, tuple[int, str | None]]] | None = None
        self._squashed = sorted({_squash(f) for f in self.forms}, key=len)

    def __bool__(self) -> bool:
        return bool(self.forms)

    @property
    def _regex(self) -> re.Pattern | None:
        """The one regex of all names, compiled when first needed: a text that certainly holds
        none of them (`may_hold_names`) never needs it."""
        if self._compiled is None:
            self._compiled = _compile(tuple(self.forms), self.whole_words)
        return self._compiled[0]

    @property
    def _owner(self) -> dict[str, tuple[int, str | None]]:
        self._regex  # noqa: B018 (compiles both)
        return self._compiled[1]

    def __call__(self, text: str) -> str:
        return self.redact(text)

    def may_hold_names(self, text: str) -> bool:
        """False when `text` certainly holds no name: a quick test (C speed) before the regex."""
        if not self.forms or not text:
            return False
        squashed = _squash(text)
        return any(s in squashed for s in self._squashed)

    def redact(self, text: str) -> str:
        return "".join(self._redact(text)[0])

    def label(self, name: str) -> str:
        """A speaker label, document name or participant key ("intervju_Kungsbacka/Åsa" ->
        "intervju_[namn]/[namn]"): "_", "/", digits and a lower-to-upper case change separate
        words in names like these, as they do in text."""
        return self.redact(name)

    def spans(self, text: str) -> list[tuple[int, int, str]]:
        """(start, end, folded name) of each redacted stretch of `text`."""
        return [(r.start, r.end, r.name) for r in self._redact(text)[1]]

    def redact_with_map(self, text: str) -> tuple[str, OffsetMap]:
        """The redacted text and the map of old positions to new ones."""
        pieces, replacements = self._redact(text)
        out = "".join(pieces)
        return out, OffsetMap(replacements, len(text), len(out))

    def _redact(self, text: str) -> tuple[list[str], list[Replacement]]:
        """The pieces of the redacted text, and what was replaced.

        The letters of a word around a name (a compound's other parts: "Storkungsbacka",
        "Kungsbackabor") are redacted on their own, as words: once the name is a placeholder,
        they read as words, so a name among them ("PERPer", "annakungsbacka") must go too."""
        if not self.may_hold_names(text):
            return [text], []
        pieces: list[str] = []
        replacements: list[Replacement] = []
        cursor = new = 0
        while (m := self._regex.search(text, cursor)) is not None:
            start, end = m.start(), m.end()
            first = _word_start(text, start, cursor)
            if not _ONE_LETTER_RE.search(text, first, start):
                first = start  # invisibles alone are no word
            last = _word_regexes()[0].match(text, end).end()
            if not _ONE_LETTER_RE.search(text, end, last):
                last = end
            before = self.redact(text[first:start]) if first < start else ""
            after = self.redact(text[end:last]) if last > end else ""
            form, genitive = self._owner[m.lastgroup]
            alias = self._aliases[self.forms[form]]
            if genitive and m.group(genitive):  # "Åsas" -> "[namn]:s", a pseudonym "Karins"
                alias += "s" if alias[-1:].isalpha() else ":s"
            replacement = before + alias + ("-" + after if after else "")  # "[namn]-mottagningen"
            pieces.append(text[cursor:first])
            new += first - cursor
            replacements.append(Replacement(first, last, new, new + len(replacement), self.forms[form]))
            pieces.append(replacement)
            new += len(replacement)
            cursor = last
        pieces.append(text[cursor:])
        return pieces, replacements

    def _raw_spans(self, text: str) -> list[tuple[int, int, str]]:
        """What the regex alone finds (for tests against a reference)."""
        if self._regex is None:
            return []
        return [(m.start(), m.end(), self.forms[self._owner[m.lastgroup][0]]) for m in self._regex.finditer(text)]


# a word goes on through invisible characters ("P\u00ader"), combining marks ("A\u030asa") and
# a hyphenated line break ("Å-\nsa")
_BREAK = f"[{_HYPHENS}][ \\t]*\\n\\s*"


@functools.cache
def _word_regexes() -> tuple[re.Pattern, re.Pattern, re.Pattern]:
    """(a run of a word's characters, one of them, a hyphenated break after a letter at the end)."""
    inside = f"(?:{_LETTER}|{_INV}|{_variants()[3]})"
    return (re.compile(f"(?:{inside}|{_BREAK}(?={inside}))*+"), re.compile(inside),
            re.compile(f"{_LETTER}{inside}*{_BREAK}$"))


def _word_start(text: str, i: int, floor: int) -> int:
    """Where the word that goes on at `i` begins (not before `floor`)."""
    while i > floor:
        if _word_regexes()[1].match(text[i - 1]):
            i -= 1
            continue
        if text[i - 1].isspace():  # "Å-\n" before "sa"?
            window = text[max(floor, i - 64) : i]
            m = _word_regexes()[2].search(window)
            if m:
                i -= len(window) - m.start() - 1
                continue
        break
    return i


_ONE_LETTER_RE = re.compile(_LETTER)


@functools.lru_cache(maxsize=64)
def _compile(forms: tuple[str, ...], whole_words: frozenset[str] = frozenset()
             ) -> tuple[re.Pattern | None, dict[str, tuple[int, str | None]]]:
    """One regex for all names, and which name (and genitive group) each of its groups stands for.

    It begins with the class of every code point a name may begin with, so the regex engine
    skips the rest of the text in C; after that first code point, one lookbehind picks the
    branches that may begin with it (longest names first: the first branch that matches wins)."""
    if not forms:
        return None, {}
    branches = [(i, *branch) for i, form in enumerate(forms)
                for branch in _name_branches(form, form in whole_words)]
    by_char: dict[str, list[int]] = {}
    for k, (_, chars, _, _) in enumerate(branches):
        for ch in chars:
            by_char.setdefault(ch, []).append(k)
    groups: dict[tuple[int, ...], list[str]] = {}
    for ch, ks in by_char.items():
        groups.setdefault(tuple(ks), []).append(ch)
    owner: dict[str, tuple[int, str | None]] = {}
    alternatives = []
    for ks, chars in groups.items():
        parts = []
        for k in ks:
            form_index, _, body, genitive = branches[k]
            name = f"n{len(owner)}"
            owner[name] = (form_index, f"g{name[1:]}" if genitive else None)
            parts.append(f"(?P<{name}>{body.replace(chr(0), 'g' + name[1:])})")
        alternatives.append(f"(?<={_char_class(chars)})(?:{'|'.join(parts)})")
    return re.compile(f"{_char_class(by_char)}(?:{'|'.join(alternatives)})"), owner


@functools.lru_cache(maxsize=16)
def redactor_for(names: tuple[str, ...], lang: str | None = "en") -> Redactor:
    """A Redactor for these names and export language, built once (its regex is cached)."""
    return Redactor(names, lang)


# --- checking exports ------------------------------------------------------------------------

_HAN_SPREAD_RE = re.compile(f"[\\s{HAN_JOINERS}]+")


def find_leaks(text: str, names: Iterable[str]) -> list[str]:
    """The names (folded) that `text` still holds by the rule of the module doc, searched
    plainly in `fold(text)`: the check for exported text, independent of the Redactor's regex.

    Case-free, it cannot see the capital of a short name's compound ("Lundabor"): a short
    name counts here as a whole word or with a genitive s."""
    haystack = fold(text)
    found = []
    for form in name_forms(names):
        if _is_han(form):
            if form.replace(" ", "") in _HAN_SPREAD_RE.sub("", haystack):
                found.append(form)
            continue
        letters = sum(1 for ch in form if ch.isalpha())
        start = 0
        while (i := haystack.find(form, start)) >= 0:
            start = i + 1
            before = haystack[i - 1 : i]
            after = haystack[i + len(form) : i + len(form) + 2]
            at_start = not (before and re.match(_LETTER, before))
            whole = not (after[:1] and re.match(_LETTER, after[:1]))
            genitive = after[:1] == "s" and not (after[1:2] and re.match(_LETTER, after[1:2]))
            if (letters >= INSIDE_WORDS or (at_start and letters >= PREFIX_ANY_CASE)
                    or (at_start and (whole or genitive))):
                found.append(form)
                break
    return found
