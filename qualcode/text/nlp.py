"""spaCy pipelines (blank sv/en, zh with jieba) and what we keep of them: sentences and a word index.

Pipelines and lemma tables load lazily and once per process. Nothing here downloads anything;
the lemma tables come from the spacy-lookups-data package.
"""

from __future__ import annotations

import json
import logging
import re
import threading
from collections.abc import Sequence
from functools import cache

from . import lemmas

_ABBREVIATIONS_ENDING_SENTENCES = {"osv.", "etc.", "m.m.", "o.s.v.", "m.fl.", "o.d.", "e.d."}
_lock = threading.Lock()
_pipelines: dict[str, object] = {}


def pipeline(lang: str):
    """The shared pipeline for `lang` ('sv', 'en' or 'zh')."""
    with _lock:
        if lang not in _pipelines:
            _pipelines[lang] = _build(lang)
        return _pipelines[lang]


def _build(lang: str):
    import spacy
    from spacy.language import Language

    if "qualcode_sentence_fixes" not in Language.factories:
        Language.component("qualcode_sentence_fixes", func=_sentence_fixes)
    if lang == "zh":
        import jieba

        from . import jieba_dict

        jieba.setLogLevel(logging.WARNING)
        jieba_dict.prepare()
        nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})
        nlp.add_pipe("sentencizer")
        nlp.add_pipe("qualcode_sentence_fixes")
        return nlp
    # No lemmatizer pipe: spaCy's runs Python per token and builds a hashed table of 660,000
    # entries at load (2.5 s). The word index looks up each distinct word once instead
    # (`word_keys`, in text/lemmas.py's memory-mapped table), with exactly the lookup
    # lemmatizer's rule.
    nlp = spacy.blank(lang)
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("qualcode_sentence_fixes")
    return nlp


def _sentence_fixes(doc):
    """Boundaries the plain sentencizer gets wrong (tests/test_sentences.py holds the cases).

    - a list number at the start of a line ("1." "2)") begins a sentence and its full stop
      ends none (Swedish and Chinese);
    - Swedish/English: a full stop followed by a lower-case word or a digit does not end a
      sentence ("resp. tre", "kl. 14.30" when the tokenizer splits "kl" and "."), but before a
      capitalised number word it does ("i 1,5 timme. Fyra gånger…": "Fyra" is like_num);
    - an abbreviation such as "osv." that ends a sentence does, before a capital;
    - Chinese: "." after a number never ends a sentence (Chinese sentences end with 。！？).
    Decimal numbers ("1,5", "2.5", "1.5个") are one token and never split.
    """
    text = doc.text
    chinese = doc.lang_ == "zh"
    for i in range(1, len(doc)):
        token, prev = doc[i], doc[i - 1]
        if prev.text == "." and i >= 2 and doc[i - 2].text.isdigit():
            if _line_start(text, doc[i - 2].idx) and len(doc[i - 2].text) <= 3:
                token.is_sent_start = False  # "1. Tid": the item's words follow its number
                continue
            if chinese:
                token.is_sent_start = False
                continue
        if token.text.isdigit() and len(token.text) <= 3 and i + 1 < len(doc) and doc[i + 1].text in (".", ")") \
                and _line_start(text, token.idx):
            token.is_sent_start = True
            continue
        if chinese:
            continue
        if token.is_sent_start and prev.text == "." and (token.is_lower or token.text[:1].isdigit()):
            token.is_sent_start = False
        elif prev.lower_ in _ABBREVIATIONS_ENDING_SENTENCES and token.is_title and i + 1 < len(doc):
            token.is_sent_start = True
    return doc


def _line_start(text: str, offset: int) -> bool:
    """Nothing but spaces between the start of the line (or the text) and `offset`."""
    line_start = text.rfind("\n", 0, offset) + 1
    return not text[line_start:offset].strip()


class WordIndex:
    """The words of one document (lemma keys and spans), gathered as arrays while spaCy runs and
    turned into postings once at the end: nothing per token is done in Python."""

    def __init__(self) -> None:
        self.parts: dict[str, list] = {}

    def add(self, lang: str, keys, starts, ends) -> None:
        self.parts.setdefault(lang, []).append((keys, starts, ends))

    def postings(self) -> str:
        """The word index as one JSON object, {"word": [start, end, start, end, ...], ...}, the
        words sorted: the store inserts its entries as they come (`json_each`), appended to the
        index (m005); Python's order of words is SQLite's for UTF-8."""
        import numpy as np

        words: list[str] = []  # of each language's distinct keys, one after another
        inverses, all_starts, all_ends = [], [], []
        for lang, parts in self.parts.items():
            keys = np.concatenate([p[0] for p in parts])
            if not len(keys):
                continue
            distinct, inverse = np.unique(keys, return_inverse=True)
            inverses.append(inverse.reshape(-1) + len(words))
            words += _resolve(lang, distinct.tolist())
            all_starts.append(np.concatenate([p[1] for p in parts]))
            all_ends.append(np.concatenate([p[2] for p in parts]))
        if not words:
            return "{}"
        ranked = sorted(set(words))  # keys of one word (Läkare, läkare) share its rank
        place = {word: i for i, word in enumerate(ranked)}
        rank = np.fromiter(map(place.__getitem__, words), dtype=np.int64, count=len(words))
        ids, starts, ends = rank[np.concatenate(inverses)], np.concatenate(all_starts), np.concatenate(all_ends)
        order = np.argsort(ids << 32 | starts)  # by word, then place: starts are below 2**30 (SQLite's longest text)
        ids = ids[order]
        firsts = np.r_[0, np.flatnonzero(np.diff(ids)) + 1]  # each word's first token, in rank order
        text, lows, highs = json_arrays(np.stack([starts[order], ends[order]], axis=1).reshape(-1), 2 * firsts)
        return json_object(ranked, map(text.__getitem__, map(slice, lows, highs)))


_JSON_ESCAPED = re.compile(r'["\\\x00-\x1f]')


def json_object(keys: list[str], values) -> str:
    """The JSON object of `keys` (strings, in this order) and `values` (JSON texts), put
    together without a Python step per entry (json.dumps would parse nothing but quote each key
    with a call of its own)."""
    keys = keys if not _JSON_ESCAPED.search("".join(keys)) else [json.dumps(k, ensure_ascii=False)[1:-1] for k in keys]
    if not keys:
        return "{}"
    parts = [',"', None, '":', None] * len(keys)
    parts[0] = '{"'
    parts[1::4] = keys
    parts[3::4] = values
    parts.append("}")
    return "".join(parts)


@cache
def _powers_of_ten():
    import numpy as np

    return 10 ** np.arange(1, 19, dtype=np.int64)


def json_arrays(numbers, firsts) -> tuple[str, list[int], list[int]]:
    """The runs of `numbers` (non-negative integers; a run begins at each index in `firsts`, the
    first at 0) printed as JSON arrays "[a,b,...]" one after another in one text, with each
    array's bounds in it. Printed by numpy for all runs at once: a string per number, or per run,
    made in Python costs more than the rest of the word index together."""
    import numpy as np

    numbers = np.asarray(numbers, dtype=np.int64)
    if not len(numbers):
        return "", [], []
    firsts = np.asarray(firsts, dtype=np.int64)
    digits = np.searchsorted(_powers_of_ten(), numbers, side="right") + 1
    opens = np.zeros(len(numbers), dtype=np.int64)
    opens[firsts] = 1
    width = opens + digits + 1  # "[" where a run opens, the digits, then "," or "]"
    ends = np.cumsum(width)
    begins = ends - width
    out = np.full(int(ends[-1]), ord(","), dtype=np.uint8)
    lasts = np.r_[firsts[1:], len(numbers)] - 1
    out[begins[firsts]] = ord("[")
    out[ends[lasts] - 1] = ord("]")
    first_digits, rest = begins + opens, numbers.copy()
    for d in range(int(digits.max()) - 1, -1, -1):  # a number's last digit is its d-th when it has d + 1
        live = digits > d
        out[first_digits[live] + d] = ord("0") + rest[live] % 10
        rest[live] //= 10
    return out.tobytes().decode("ascii"), begins[firsts].tolist(), ends[lasts].tolist()


_words: dict[str, dict[int, str]] = {}  # language -> token text's hash -> its index word


def _resolve(lang: str, keys: list[int]) -> list[str]:
    """The index words of token texts (by their hashes): `word_keys`, once per distinct text in
    this process."""
    from itertools import filterfalse

    known = _words.setdefault(lang, {})
    new = list(filterfalse(known.__contains__, keys))
    if new:
        strings = pipeline(lang).vocab.strings
        known.update(zip(new, word_keys(lang, [strings[key] for key in new]), strict=True))
    return list(map(known.__getitem__, keys))


MAX_PIECE = 100_000  # characters given to spaCy at once (its own limit, nlp.max_length, is 1,000,000)
_CUTS = ("。", "！", "？", ". ", "! ", "? ", "\n", "，", ", ", " ")


def split_long(pieces: Sequence[str], bases: Sequence[int], limit: int = MAX_PIECE) -> tuple[list[str], list[int]]:
    """Pieces of at most `limit` characters: a longer one (a transcript on a single line) is cut
    after a sentence end near the limit, else after a comma or space, else at the limit (a
    sentence may then end at a cut). Each keeps its offset in the document."""
    if all(len(p) <= limit for p in pieces):
        return list(pieces), list(bases)
    out_pieces: list[str] = []
    out_bases: list[int] = []
    for piece, base in zip(pieces, bases, strict=True):
        start = 0
        while len(piece) - start > limit:
            window_start = start + limit // 2
            cut = -1
            for mark in _CUTS:
                cut = piece.rfind(mark, window_start, start + limit)
                if cut >= 0:
                    cut += len(mark)
                    break
            if cut <= start:
                cut = start + limit
            out_pieces.append(piece[start:cut])
            out_bases.append(base + start)
            start = cut
        out_pieces.append(piece[start:])
        out_bases.append(base + start)
    return out_pieces, out_bases


def analyze(lang: str, pieces: Sequence[str], bases: Sequence[int], index: WordIndex):
    """The sentences of all `pieces` as document offsets (each piece's offset is its base): two
    arrays, starts and ends, in order; their words are added to `index`. A sentence never
    crosses a piece. Everything after spaCy is done on its arrays for all pieces at once:
    per-token (or per-piece) Python costs as much as the tokenizer itself."""
    import numpy as np
    from spacy.attrs import IDX, IS_PUNCT, IS_SPACE, LENGTH, LOWER, ORTH, SENT_START

    nlp = pipeline(lang)
    pieces, bases = split_long(pieces, bases)
    # Chinese words as they are (lower-cased Latin inside); others by their form, lemmatised once each
    columns = [IDX, LENGTH, SENT_START, IS_PUNCT, IS_SPACE, LOWER if lang == "zh" else ORTH]
    arrays, offsets = [], []
    for base, doc in zip(bases, nlp.pipe(pieces, batch_size=256 if len(pieces) > 1 else 1), strict=True):
        if len(doc):
            arrays.append(doc.to_array(columns))
            offsets.append(base)
    if not arrays:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    sizes = [len(x) for x in arrays]
    a = np.concatenate(arrays)
    starts = a[:, 0].astype(np.int64) + np.repeat(np.array(offsets, dtype=np.int64), sizes)
    ends = starts + a[:, 1].astype(np.int64)
    new_sentence = a[:, 2] == 1
    new_sentence[np.cumsum([0, *sizes[:-1]])] = True  # every piece starts afresh
    solid = a[:, 4] == 0
    kept = np.flatnonzero(solid)
    if len(kept):
        ids = np.cumsum(new_sentence)[kept]
        change = np.flatnonzero(np.diff(ids))
        firsts, lasts = kept[np.r_[0, change + 1]], kept[np.r_[change, len(kept) - 1]]
        sentence_starts, sentence_ends = starts[firsts], ends[lasts]
    else:
        sentence_starts = sentence_ends = np.zeros(0, dtype=np.int64)
    words = solid & (a[:, 3] == 0)
    index.add(lang, a[words, 5], starts[words], ends[words])
    return sentence_starts, sentence_ends


def word_key(lang: str, word: str) -> str:
    """The key under which the word index holds `word`: what `analyze` stores for it as a token
    (Swedish/English: its lower-cased lookup lemma, the lower-cased form looked up when the table
    lacks a capitalised one; Chinese: the word, lower-cased)."""
    return word_keys(lang, [word])[0]


def word_keys(lang: str, words: Sequence[str]) -> list[str]:
    """`word_key` of each word, the lemma table searched once for all of them."""
    if lang == "zh":
        return [word.lower() for word in words]
    table = lemmas.table(lang)
    keys: list[str] = []
    capitalised: list[int] = []  # lacking from the table (or their own lemma): looked up lower-cased
    for i, (word, lemma) in enumerate(zip(words, table.lookup(words, None), strict=True)):
        if lemma is None:
            lemma = word
        if lemma == word and word.lower() != word:
            capitalised.append(i)
        keys.append(lemma.lower())
    if capitalised:
        lowers = [words[i].lower() for i in capitalised]
        for i, lower, lemma in zip(capitalised, lowers, table.lookup(lowers, None), strict=True):
            keys[i] = (lower if lemma is None else lemma).lower()
    return keys
