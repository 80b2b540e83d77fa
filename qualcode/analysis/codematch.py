"""Finding a code by what a coder types: any language's label, any case, accents optional.

Each label (the name and every language's label) is scored on its own, on a ladder: the whole
label, its start, the starts of its words, anywhere in it, its characters in order (Chinese:
害焦 finds 害怕与焦虑), then a forgiving match for typos (rapidfuzz, a high cut-off). Accents
count only when the coder types them: "radsla" finds Rädsla, "rä" finds only words with ä. On a
rung, a match that keeps the typed accents ranks first, then the display language's label, then
the shorter label, then codebook order. With pypinyin installed, a Chinese label is also found
by its pinyin (baomi, bao mi) and its initials (bm), a rung lower than a match of its own.

A pure function the faces may use (import-linter allows it).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from ..model import Code

EXACT, PREFIX, WORD_PREFIX, SUBSTRING, IN_ORDER, FUZZY = 6, 5, 4, 3, 2, 1
FUZZY_CUTOFF = 80  # rapidfuzz ratio per word; "leader" must not find "Rädsla och oro"
_WORD = re.compile(r"\w+")
_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


@dataclass(frozen=True)
class CodeMatch:
    code: Code
    label: str  # the label that matched
    lang: str | None  # its language; None for the canonical name
    rank: int  # EXACT … FUZZY
    spans: tuple[tuple[int, int], ...] = ()  # where in `label` the query was found


def fold(text: str, accents: bool = False) -> tuple[str, list[int]]:
    """`text` case-folded, its accents dropped unless `accents`, and for each folded character
    the index of the character of `text` it came from (to show where a match is)."""
    out: list[str] = []
    origin: list[int] = []
    for i, ch in enumerate(text):
        folded = ch.casefold()
        if not accents:
            folded = "".join(c for c in unicodedata.normalize("NFKD", folded) if not unicodedata.combining(c))
        out.append(folded)
        origin.extend([i] * len(folded))
    return "".join(out), origin


def _ladder(query: str, label: str) -> tuple[int, list[tuple[int, int]]]:
    """(rung, folded spans) of a folded query in a folded label; rung 0: no match."""
    if label == query:
        return EXACT, [(0, len(label))]
    if label.startswith(query):
        return PREFIX, [(0, len(query))]
    words = [(m.start(), m.end()) for m in _WORD.finditer(label)]
    terms = _WORD.findall(query)
    if terms:
        spans, at = [], 0
        for term in terms:  # each typed word starts a word of the label, in order
            found = next((k for k in range(at, len(words)) if label.startswith(term, words[k][0])), None)
            if found is None:
                break
            spans.append((words[found][0], words[found][0] + len(term)))
            at = found + 1
        else:
            return WORD_PREFIX, spans
    where = label.find(query)
    if where >= 0:
        return SUBSTRING, [(where, where + len(query))]
    if terms and all(term in label for term in terms):
        return SUBSTRING, [(label.find(t), label.find(t) + len(t)) for t in terms]
    compact = query.replace(" ", "")
    if _HAN.search(compact) and len(compact) > 1:
        spans, at = [], 0
        for ch in compact:  # the characters in order (害焦 -> 害怕与焦虑)
            at = label.find(ch, at)
            if at < 0:
                break
            spans.append((at, at + 1))
            at += 1
        else:
            return IN_ORDER, spans
    if terms and not _HAN.search(query) and sum(len(t) for t in terms) >= 4:
        from rapidfuzz import fuzz

        label_words = [label[a:b] for a, b in words]
        scores = [max((max(fuzz.ratio(t, w), fuzz.ratio(t, w[:len(t)])) for w in label_words), default=0)
                  for t in terms]
        if min(scores) >= FUZZY_CUTOFF:
            return FUZZY, []
    return 0, []


@lru_cache(maxsize=4096)
def _pinyin(label: str) -> tuple[str, ...]:
    """A Chinese label's pinyin, spaced and run together, and its initials; () without pypinyin."""
    if not _HAN.search(label):
        return ()
    try:
        from pypinyin import Style, lazy_pinyin
    except ImportError:
        return ()
    syllables = [s.strip() for s in lazy_pinyin(label) if s.strip() and _WORD.fullmatch(s.strip())]
    initials = "".join(s[0] for s in lazy_pinyin(label, style=Style.FIRST_LETTER) if s.strip().isalnum())
    return (" ".join(syllables), "".join(syllables), initials)


def match_label(query: str, label: str) -> tuple[int, bool, list[tuple[int, int]]]:
    """(rung, typed accents kept, spans in `label`) of `query` in one label."""
    accents = fold(query, accents=True)[0] != fold(query)[0]  # accents count when typed
    q, _ = fold(query.strip(), accents)
    q = " ".join(q.split())
    folded, origin = fold(label, accents)
    rung, spans = _ladder(q, folded)
    kept = False
    if rung:
        exact_q, _ = fold(" ".join(query.split()), accents=True)
        kept = _ladder(exact_q, fold(label, accents=True)[0])[0] == rung
    else:
        for alias in _pinyin(label):
            # only from the start of a syllable: "kj" is 愧疚 (kui jiu), not the middle of 空间
            if _ladder(q, alias)[0] >= WORD_PREFIX:
                return SUBSTRING, False, []
        return 0, False, []
    return rung, kept, [(origin[a], origin[b - 1] + 1) for a, b in spans if b > a]


def rank_codes(codes: list[Code], query: str, lang: str | None = None, limit: int = 12,
               codable_only: bool = True) -> list[CodeMatch]:
    """The codable, current codes (or all, to find one in a tree) best matching `query`, best
    first (codebook order when empty)."""
    codable = [c for c in codes if c.codable and not c.retired] if codable_only else list(codes)
    if not query.strip():
        return [CodeMatch(c, c.label(lang), lang if lang in c.labels else None, 0) for c in codable[:limit]]
    found = []
    for order, code in enumerate(codable):
        labels = [(lang, code.labels[lang])] if lang in code.labels else []
        labels += [(None, code.name)] + [(k, v) for k, v in code.labels.items() if k != lang]
        best = None
        seen: set[str] = set()
        for label_lang, label in labels:
            if label in seen:
                continue
            seen.add(label)
            rung, kept, spans = match_label(query, label)
            if not rung:
                continue
            key = (-rung, not kept, label_lang != lang, len(label), order)
            if best is None or key < best[0]:
                best = (key, CodeMatch(code, label, label_lang, rung, tuple(spans)))
        if best:
            found.append(best)
    return [match for _, match in sorted(found, key=lambda f: f[0])[:limit]]


def code_path(code: Code, codes: list[Code], lang: str | None = None) -> list[str]:
    """The labels from the top of the tree down to `code` (Parent › Code)."""
    by_id = {c.id: c for c in codes}
    path, current = [], code
    while current is not None:
        path.append(current.label(lang))
        current = by_id.get(current.parent_id) if current.parent_id is not None else None
        if len(path) > len(by_id):  # a cycle someone else's tool made: stop
            break
    return path[::-1]
