"""Redaction: every form of a redacted name goes, nothing else changes, and positions map.

Three checks of the one regex: hand-made cases with exact outputs; a property test that
generates transcripts embedding names in every form the module doc lists and searches the
output plainly (`find_leaks`: folded, no invisibles, breaks joined) for any of them; and a
naive reference (character by character, no regex for names) that must find exactly the
spans the regex finds.
"""

from __future__ import annotations

import re
import unicodedata

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from qualcode.text import redact as R
from qualcode.text.redact import Name, OffsetMap, Redactor, find_leaks, fold, name_forms, placeholder

SV = Redactor(["Åsa Öberg", "Kungsbacka", "Per", "Lund", "王芳"], "sv")


@pytest.mark.parametrize("text, expected", [
    # the seven leaks
    ("Åsa: jag träffade Åsa Öberg.", "[namn]: jag träffade [namn]."),
    ("på Kungsbackamottagningen och bland Kungsbackabor", "på [namn]-mottagningen och bland [namn]-bor"),
    ("Åsa  Öberg och Åsa\tÖberg", "[namn] och [namn]"),
    ("Å\u00adsa Ö\u00adberg", "[namn]"),
    ("…träffade Åsa\nÖberg…", "…träffade [namn]…"),
    ("i Kungs-\nbacka", "i [namn]"),
    ("intervju_Kungsbacka/Åsa", "intervju_[namn]/[namn]"),
    # forms
    ("ÅSA ÖBERG, åsa öberg, A\u030asa O\u0308berg", "[namn], [namn], [namn]"),
    ("Å\u200bs\u200da Öb\u2060erg\ufeff", "[namn]\ufeff"),
    ("Åsas patient, åsas bok, Åsa's, Öbergs", "[namn]:s patient, [namn]:s bok, [namn]'s, [namn]:s"),
    ("Storkungsbacka, Västra Kungsbacka, KUNGSBACKA", "Stor[namn], Västra [namn], [namn]"),
    ("Ｋｕｎｇｓｂａｃｋａ", "[namn]"),
    ("Kungs-\n   backa, Kungs- backa", "[namn], [namn]"),
    # short names: whole words, genitive, capitalised compounds; ordinary words stay
    ("Per och pers bok; personal, annars, perspektiv", "[namn] och [namn]:s bok; personal, annars, perspektiv"),
    ("Lundabor i Lund, lundaluft", "[namn]-abor i [namn], lundaluft"),
    ("Per2: ja", "[namn]2: ja"),
    # Chinese: anywhere, also spread out
    ("我和王芳说过，王 芳，王\n芳，王\u200b芳。", "我和[namn]说过，[namn]，[namn]，[namn]。"),
    # a Chinese name joined as a label or a romanised name joins it: hyphen, dash, underscore, middle dot
    ("Tema 王-芳, 王 - 芳, 王－芳, 王–芳, 王_芳, 王·芳, 王・芳",
     "Tema [namn], [namn], [namn], [namn], [namn], [namn], [namn]"),
    # camel case (file names)
    ("IntervjuKungsbacka, ÅsaÖberg", "Intervju[namn], [namn]-[namn]"),
    ("", ""),
    ("Inget namn här.", "Inget namn här."),
])
def test_forms_are_redacted(text, expected):
    assert SV(text) == expected


def test_placeholder_per_language_and_pseudonyms():
    assert placeholder("sv") == "[namn]" and placeholder("zh") == "[姓名]" and placeholder("en") == "[name]"
    assert placeholder("de") == "[name]" and placeholder(None) == "[name]"
    assert Redactor(["王芳"], "zh")("我和王芳说") == "我和[姓名]说"
    assert Redactor([("Åsa", "P3"), ("Karin", "Eva")], "sv")("Åsas och Karins") == "P3:s och Evas"
    assert Redactor([], "sv")("Åsa") == "Åsa" and not Redactor([" ", "\u200b"], "sv")


def test_whole_word_pseudonyms_leave_ordinary_words():
    labels = [Name("Anna", "P11", whole_word=True, parts=False), Name("Erik", "P12", whole_word=True, parts=False),
              Name("Läkare 2", "P5", whole_word=True, parts=False), "Kungsbacka"]
    redactor = Redactor(labels, "en")
    assert redactor("Annan sak, Annika och Erika, Eriksson, Anna2.") == "Annan sak, Annika och Erika, Eriksson, Anna2."
    assert redactor("På Eriks patient. ANNA kom, Annas mamma, An\u00adna.") == (
        "På P12:s patient. P11 kom, P11:s mamma, P11.")
    assert redactor("Läkare sa, Läkare 2 sa; 我跟Anna说过") == "Läkare sa, P5 sa; 我跟P11说过"
    # given both ways, a name counts by the wider rule
    assert Redactor([labels[0], "Anna"], "sv")("Annan") == "P11-n"


def test_name_parts_and_particles():
    assert name_forms(["Åsa Öberg", "Bo af Klercker"]) == ["bo af klercker", "åsa öberg", "klercker", "öberg", "åsa",
                                                             "bo"]
    assert Redactor(["Åsa Öberg"], "sv", parts=False)("Åsa och Åsa Öberg") == "Åsa och [namn]"
    # a part is a name of two letters or more: an initial ("F-", "F.") is no name on its own
    assert name_forms(["F- i\u2010 lip", "J. Ek"]) == ["f- i\u2010 lip", "j. ek", "ek"]
    assert find_leaks("GUID DC435640-F25F-4B57", ["F- i\u2010 lip"]) == []


def test_offset_map_moves_positions_and_widens_cut_names():
    text = "Hej Åsas vän i Kungsbacka."
    new, mapping = SV.redact_with_map(text)
    assert new == "Hej [namn]:s vän i [namn]."
    assert [(r.start, r.end, r.new_start, r.new_end, r.name) for r in mapping.replacements] == [
        (4, 8, 4, 12, "åsa"), (15, 25, 19, 25, "kungsbacka")]
    assert mapping.span(0, 3) == (0, 3)  # before any name
    assert mapping.span(9, 12) == (13, 16) and new[13:16] == "vän"
    assert mapping.span(5, 7) == (4, 12)  # inside a name: the whole placeholder
    assert mapping.span(0, 4) == (0, 4) and mapping.span(4, 8) == (4, 12)
    assert mapping.span(15, 26) == (19, 26) and new[19:26] == "[namn]."
    assert mapping.position(26) == 26 == len(new)
    with pytest.raises(ValueError):
        mapping.position(27)
    empty = OffsetMap([], 3, 3)
    assert empty.span(1, 2) == (1, 2)


def test_label_redacts_keys_and_document_names():
    assert SV.label("intervju_Kungsbacka/Åsa") == "intervju_[namn]/[namn]"
    assert SV.label("Lund_2023-05-01") == "[namn]_2023-05-01"
    assert SV.label("fokusgrupp3") == "fokusgrupp3"


def test_find_leaks_is_the_plain_search():
    names = ["Åsa Öberg", "Kungsbacka", "王芳"]
    assert find_leaks("Å\u00adsa  Ö\u200bberg", names) == ["åsa öberg", "öberg", "åsa"]
    assert find_leaks("Kungs-\nbacka", names) == ["kungsbacka"]
    assert find_leaks("王 芳", names) == ["王芳"]
    assert find_leaks("Tema 王-芳", names) == find_leaks("王_芳", names) == find_leaks("王·芳", names) == ["王芳"]
    assert find_leaks("Åsamottagningen, kåsa", names) == []
    assert fold("Ａ\u030aSA\t\n Öberg") == "åsa öberg"


# --- the naive reference: the rule of the module doc, character by character ---------------------

def _fold(ch: str) -> str:
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", ch).casefold())


def _invisible(ch: str) -> bool:
    return bool(re.match(f"[{R.INVISIBLE}]", ch))


def _letter(ch: str) -> bool:
    return bool(re.match(R._LETTER, ch))


def _han(text: str) -> bool:
    return bool(re.search(f"[{R._HAN}]", text))


HY = "-\u2010\u2011"


def _skip(text, p, ok):
    while p < len(text) and ok(text[p]):
        p += 1
    return p


def _sep_latin(text: str, p: int) -> int:
    q = _skip(text, p, _invisible)
    r = q + (q < len(text) and text[q] in HY)
    r = _skip(text, r, lambda c: c in " \t")
    if r < len(text) and text[r] == "\n":
        while r < len(text) and text[r] == "\n":
            r = _skip(text, r + 1, lambda c: c in " \t")
        q = r
    elif q < len(text) and text[q] in HY:
        q = _skip(text, q + 1, lambda c: c in " \t")
    return _skip(text, q, _invisible)


HAN_JOIN = "-\u2010\u2011\u2012\u2013\uff0d_\uff3f\u00b7\u2027\u30fb\uff65"  # hyphens, dashes, "_", middle dots


def _sep_han(text: str, p: int) -> int:
    return _skip(text, p, lambda c: c.isspace() or _invisible(c) or c in HAN_JOIN)


def _upper(ch: str) -> bool:
    return ch.isupper() or ch.istitle()


def _char(text: str, p: int, c: str, upper: bool) -> int | None:
    if p >= len(text):
        return None
    ch = text[p]
    if _fold(ch) == c and (not upper or _upper(ch)):
        return p + 1
    decomposed = unicodedata.normalize("NFD", c)
    if len(decomposed) > 1 and _fold(ch) == decomposed[0] and (not upper or _upper(ch)):
        marks = decomposed[1:]
        if text[p + 1 : p + 1 + len(marks)] == marks:
            return p + 1 + len(marks)
    return None


def _word(text: str, p: int, word: str, i: int, sep, upper: bool) -> int | None:
    """The end of `word[i:]` matched at p (first way that works, as the regex tries them)."""
    options = []
    end = _char(text, p, word[i], upper and i == 0)
    if end is not None:
        options.append((end, 1))
    if p < len(text) and not (upper and i == 0):
        for k in (2, 3):
            if i + k <= len(word) and _fold(text[p]) == word[i : i + k]:
                options.append((p + 1, k))
    for end, k in options:
        if i + k == len(word):
            return end
        rest = _word(text, sep(text, end), word, i + k, sep, upper)
        if rest is not None:
            return rest
    return None


def _name(text: str, p: int, form: str, sep, upper: bool) -> int | None:
    for n, word in enumerate(form.split(" ")):
        if n:
            q = _skip(text, p, lambda c: c.isspace() or _invisible(c))
            if q == p:
                return None
            p = q
        end = _word(text, p, word, 0, sep, upper and n == 0)
        if end is None:
            return None
        p = end
    return p


def _genitive(text: str, q: int) -> int:
    g = _sep_latin(text, q)
    if g < len(text) and _fold(text[g]) == "s" and not (g + 1 < len(text) and _letter(text[g + 1])):
        return g + 1
    return q


def reference_spans(text: str, forms: list[str], whole_words=frozenset()) -> list[tuple[int, int, str]]:
    spans = []
    p = 0
    while p < len(text):
        for form in forms:
            end = _whole_word(text, p, form) if form in whole_words and not _han(form) else _match(text, p, form)
            if end is not None:
                spans.append((p, end, form))
                p = end
                break
        else:
            p += 1
    return spans


def _word_char(ch: str) -> bool:
    return _letter(ch) or ch.isdigit()


def _whole_word(text: str, p: int, form: str) -> int | None:
    """A pseudonym's rule: between characters that are neither letters nor digits, maybe with a genitive s."""
    if p > 0 and _word_char(text[p - 1]):
        return None
    end = _name(text, p, form, _sep_latin, False)
    if end is None:
        return None
    end = _genitive(text, end)
    return None if end < len(text) and _word_char(text[end]) else end


def _match(text: str, p: int, form: str) -> int | None:
    if _han(form):
        return _name(text, p, form, _sep_han, False)
    letters = sum(1 for c in form if c.isalpha())
    word_start = p == 0 or not _letter(text[p - 1])
    camel = p > 0 and text[p - 1].islower() and ord(text[p - 1]) < 0x10000
    follows_letter = lambda q: q < len(text) and _letter(text[q])  # noqa: E731
    if letters >= R.INSIDE_WORDS:
        end = _name(text, p, form, _sep_latin, False)
        return None if end is None else _genitive(text, end)
    if word_start:
        end = _name(text, p, form, _sep_latin, False)
        if end is not None:
            if letters >= R.PREFIX_ANY_CASE:
                return _genitive(text, end)
            end = _genitive(text, end)
            if not follows_letter(end):
                return end
        if letters < R.PREFIX_ANY_CASE:
            end = _name(text, p, form, _sep_latin, True)
            if end is not None and follows_letter(end):
                return end
    if camel:
        end = _name(text, p, form, _sep_latin, True)
        if end is not None:
            return _genitive(text, end)
    return None


# --- generated transcripts ----------------------------------------------------------------------

NAMES_SV = ["Åsa Öberg", "Kungsbacka", "Per", "Anna Lind", "Mölndal", "Bo Ek", "Karin Nilsson", "Lund", "Filip"]
NAMES_ZH = ["王芳", "李明", "陈晓东", "张伟"]
INVISIBLES = ["\u00ad", "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u200e", "\u200f", "\u202a", "\u202c",
              "\u2066", "\u2069", "\u034f", "\u180e"]
SPACES = [" ", "  ", "\t", "\n", " \n ", "\u00a0", "\u3000", " \u200b ", "\r\n".replace("\r", ""), "\u2009"]
BREAKS = ["-\n", "-\n   ", "\u00ad\n", "\n", "\u2010\n", "- \n"]
WORDS_SV = ["jag", "träffade", "och", "på", "mottagningen", "Patienten", "hon", "sa", "att", "det", "var", "svårt",
            "Moderator:", "D1:", "personal", "annars", "i", "från", "bor", "Ja,", "nej.", "—", "(skratt)", "12", "tre"]
WORDS_ZH = ["我们", "和", "说", "护士", "病人", "今天", "主持人：", "觉得", "很", "累", "。", "，", "巴林特小组"]
FULLWIDTH = {chr(c): chr(c + 0xFEE0) for c in range(0x21, 0x7F)}


@st.composite
def latin_form(draw, name: str) -> str:
    letters = sum(1 for c in name if c.isalpha())
    words = name.split(" ")
    out = []
    for w in words:
        case = draw(st.sampled_from(["as", "upper", "lower", "mixed"]))
        if case == "upper":
            w = w.upper()
        elif case == "lower":
            w = w.lower()
        elif case == "mixed":
            w = "".join(c.upper() if draw(st.booleans()) else c.lower() for c in w)
        style = draw(st.sampled_from(["nfc", "nfd", "fullwidth", "nfd-fullwidth", "ligature"]))
        if style in ("nfd", "nfd-fullwidth"):
            w = unicodedata.normalize("NFD", w)
        if style in ("fullwidth", "nfd-fullwidth"):
            w = "".join(FULLWIDTH.get(c, c) for c in w)
        if style == "ligature":
            w = w.replace("fi", "\ufb01").replace("ss", "ß")
        # invisibles and a line break inside the word (never inside a base + mark pair)
        cuts = [i for i in range(1, len(w)) if not unicodedata.combining(w[i])]
        for i in sorted(draw(st.lists(st.sampled_from(cuts), max_size=2, unique=True)) if cuts else [],
                        reverse=True):
            w = w[:i] + draw(st.sampled_from(INVISIBLES + BREAKS)) + w[i:]
        out.append(w)
    form = out[0]
    for w in out[1:]:
        form += draw(st.sampled_from(SPACES)) + draw(st.sampled_from(["", *INVISIBLES])) + w
    first_upper = out[0][:1].isupper() or out[0][:1] in FULLWIDTH.values() and out[0][:1].isupper()
    suffixes = ["", "s", ":", "'s", ":s", "2:"]
    if letters >= 5 or first_upper:
        suffixes += ["mottagningen", "bor"]
    form += draw(st.sampled_from(suffixes))
    if letters >= 6:
        form = draw(st.sampled_from(["", "Stor", "nord"])) + form
    return form


@st.composite
def han_form(draw, name: str) -> str:
    form = name[0]
    for ch in name[1:]:
        form += draw(st.sampled_from(["", "", " ", "\n", "\u200b", "\u3000", "-\n", "-", " - ", "_", "·"])) + ch
    return form


@st.composite
def transcript(draw):
    names = draw(st.lists(st.sampled_from(NAMES_SV + NAMES_ZH), min_size=1, max_size=4, unique=True))
    pieces = []
    for _ in range(draw(st.integers(1, 8))):
        name = draw(st.sampled_from(names))
        form = draw(han_form(name) if _han(name) else latin_form(name))
        before = draw(st.lists(st.sampled_from(WORDS_SV + WORDS_ZH), max_size=4))
        noise = draw(st.text(st.sampled_from("abcåäöxyzABÅÖ .,;:-\n\t_/0123456789我们说\u200b\u00ad"), max_size=6))
        pieces += [*before, noise, draw(st.sampled_from(["", " ", "\n", "（", "「"])) + form]
    return names, draw(st.sampled_from([" ", "", "\n"])).join(pieces)


PROPERTY = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(case=transcript(), lang=st.sampled_from(["sv", "zh", "en"]))
def test_no_form_of_a_name_survives(case, lang):
    names, text = case
    out = Redactor(names, lang)(text)
    assert find_leaks(out, names) == [], (text, out)


@PROPERTY
@given(case=transcript())
def test_the_regex_finds_what_the_reference_finds(case):
    names, text = case
    redactor = Redactor(names, "sv")
    assert redactor._raw_spans(text) == reference_spans(text, redactor.forms)


@PROPERTY
@given(case=transcript())
def test_offset_map_keeps_the_text_between_names(case):
    names, text = case
    redactor = Redactor(names, "sv")
    new, mapping = redactor.redact_with_map(text)
    assert new == redactor(text) and mapping.new_length == len(new)
    cuts = [0, *[p for r in mapping.replacements for p in (r.start, r.end)], len(text)]
    for start, end in zip(cuts[::2], cuts[1::2], strict=True):  # the stretches between redacted names
        a, b = mapping.span(start, end)
        assert new[a:b] == text[start:end]


@PROPERTY
@given(case=transcript(), data=st.data())
def test_whole_word_names_agree_with_the_reference(case, data):
    names, text = case
    strict = data.draw(st.lists(st.sampled_from(names), unique=True))
    redactor = Redactor([Name(n, "P1", whole_word=n in strict, parts=n not in strict) for n in names], "sv")
    assert redactor.whole_words == {fold(n) for n in strict} - {
        f for n in names if n not in strict for f in name_forms([n])}
    assert redactor._raw_spans(text) == reference_spans(text, redactor.forms, redactor.whole_words)


plain_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=80)


@settings(max_examples=150, deadline=None)
@given(text=st.one_of(plain_text, st.lists(st.sampled_from(WORDS_SV + WORDS_ZH + SPACES)).map(" ".join)),
       names=st.lists(st.sampled_from(NAMES_SV + NAMES_ZH), min_size=1, max_size=3))
def test_text_without_a_name_is_unchanged(text, names):
    redactor = Redactor(names, "sv")
    assume(not reference_spans(text, redactor.forms))
    assert redactor(text) == text
    assert redactor.redact_with_map(text)[0] == text


@settings(max_examples=150, deadline=None)
@given(text=plain_text, names=st.lists(st.sampled_from(NAMES_SV + NAMES_ZH), min_size=1, max_size=3))
def test_any_unicode_agrees_with_the_reference(text, names):
    redactor = Redactor(names, "sv")
    assert redactor._raw_spans(text) == reference_spans(text, redactor.forms)
