"""Word frequencies by document, group, speaker or participant attribute, and keyness.

What is counted (docs/methods.md Q3, Q4):
- tokens of the word index (spaCy's tokens, jieba's words for Chinese; punctuation and white
  space are not in it) in participants' speech: moderators' turns, speaker labels and text
  outside turns (headings) are left out, except in a document without turns, which counts whole;
- words only: a token with no letter, or a number (spaCy's `like_num` for its language: 12, tre,
  三), is no word;
- a word is its lemma (the word index key: Swedish lookup lemma, lower case; the Chinese word)
  or, with lemma=False, its lower-cased form as written;
- `tokens`, the size of the selection, counts every word, stop words included; per_10k =
  count / tokens × 10,000, so it does not move when the stop list changes;
- keyness of one column against the rest: Dunning's log-likelihood G² = 2 Σ O ln(O/E) over the
  two cells (count in the column, count in the rest) with E from the column sizes, signed + when
  the word is relatively more frequent in the column, − when less; p from χ² with 1 df.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np

from ..errors import QualcodeError
from .attribution import Speech, column_of, covered_participants, speaker_owners, voices


@dataclass(frozen=True)
class WordCount:
    word: str
    count: int
    per_10k: float
    by: dict = field(default_factory=dict)  # column label -> count, every column
    keyness: float | None = None  # signed G² of the chosen column against the rest
    p: float | None = None

    def as_json(self) -> dict:
        """The shape of `qualcode words --json` (../shared/CLI.md); keyness and p when asked."""
        out = {"word": self.word, "count": self.count, "per_10k": self.per_10k, "by": self.by}
        if self.keyness is not None:
            out.update(keyness=self.keyness, p=self.p)
        return out


@dataclass
class WordTable:
    words: list[WordCount]
    cols: list  # column labels (empty without `by`)
    tokens: int  # words in the selection, stop words included
    col_tokens: list[int]  # words in each column
    title: str = ""  # what it shows, for a file or a screen


def log_likelihood(a: int, b: int, c: int, d: int) -> float:
    """Signed G² for a word seen a times in c tokens against b times in d tokens."""
    if c == 0 or d == 0 or a + b == 0:
        return 0.0
    e1, e2 = c * (a + b) / (c + d), d * (a + b) / (c + d)
    g2 = 2 * ((a * math.log(a / e1) if a else 0.0) + (b * math.log(b / e2) if b else 0.0))
    return g2 if a / c >= b / d else -g2


def chi2_p(g2: float) -> float:
    """The upper tail of χ² with one degree of freedom."""
    return math.erfc(math.sqrt(abs(g2) / 2))


def word_frequencies(postings: Iterable[tuple[str, int, str]], speech: Speech, *, by: str | None = None,
                     lemma: bool = True, texts: Mapping[int, str] | None = None,
                     is_stop: Callable[[str], bool] = lambda w: False,
                     is_number: Callable[[str, str], bool] = lambda w, lang: False,
                     top: int | None = None, keyness: str | None = None) -> WordTable:
    """Count the words of `postings` (the word index: key, document id, spans as JSON text) in
    the documents of `speech`. `texts` (every document's) are needed for written forms
    (lemma=False). `is_stop(word)`: words left out of the table (still counted in `tokens`);
    `is_number(word, lang)`: tokens that are no words. `keyness`: a column label of `by` to compare
    against the rest (sorts by keyness)."""
    lang_of = {d.id: d.lang for d in speech.docs}
    words: dict[str, int] = {}
    row_words, row_docs, sizes, parts = [], [], [], []
    for key, doc_id, spans in postings:
        if doc_id in lang_of:
            row_words.append(words.setdefault(key, len(words)))
            row_docs.append(doc_id)
            sizes.append((spans.count(",") + 1) // 2)
            parts.append(spans.strip()[1:-1])
    # the stored arrays hold only integers: one parse for all of them
    flat = np.fromstring(",".join(parts), dtype=np.int64, sep=",") if parts else np.zeros(0, dtype=np.int64)
    start_of, end_of = flat[0::2], flat[1::2]
    sizes = np.array(sizes, dtype=np.int64)
    doc_of = np.repeat(np.array(row_docs, dtype=np.int64), sizes)
    if lemma:
        word_of = np.repeat(np.array(row_words, dtype=np.int64), sizes)
    else:
        words = {}
        word_of = np.array([words.setdefault(texts[d][s:e].lower(), len(words)) for d, s, e
                            in zip(doc_of.tolist(), start_of.tolist(), end_of.tolist(), strict=True)], dtype=np.int64)
    # only speech that counts: tokens as segments of their own, attributed like any segment
    people = sorted(speech.people, key=lambda p: p.key)
    owners = speaker_owners(speech.speakers, {p.key: i for i, p in enumerate(people)})
    turns = np.array(speech.turns, dtype=np.int64).reshape(-1, 4)
    turns = turns[np.isin(turns[:, 0], list(lang_of))]
    rows, who = covered_participants(doc_of, start_of, end_of, turns, owners)
    word_of, doc_of = word_of[rows], doc_of[rows]
    # words only: no numbers, nothing without a letter
    vocabulary = list(words)
    doc_ids = np.array(sorted(lang_of), dtype=np.int64)
    languages = sorted(set(lang_of.values()))
    lang_at = np.array([languages.index(lang_of[d]) for d in doc_ids.tolist()], dtype=np.int64)
    token_lang = lang_at[np.searchsorted(doc_ids, doc_of)] if len(doc_ids) else doc_of
    keep = np.ones(len(word_of), dtype=bool)
    for k, lang in enumerate(languages):
        not_word = np.array([not any(ch.isalpha() for ch in w) or is_number(w, lang) for w in vocabulary] + [True])
        keep &= ~((token_lang == k) & not_word[word_of])
    word_of, doc_of, who = word_of[keep], doc_of[keep], who[keep]
    total = len(word_of)
    cols: list = []
    col_of = np.zeros(0, dtype=np.int64)
    if by is not None:
        cols, col_of = column_of(speech.docs, people, voices(turns, owners), by, doc_of, who)
    counts = np.bincount(word_of, minlength=len(vocabulary))
    n_cols = len(cols)
    placed = col_of >= 0 if cols else np.zeros(0, dtype=bool)
    col_tokens = np.bincount(col_of[placed], minlength=n_cols).tolist() if cols else []
    # (word, column) counts kept sparse: a thousand speakers × twenty thousand words is mostly zeros
    pair_keys, pair_counts = np.unique(word_of[placed] * max(n_cols, 1) + col_of[placed], return_counts=True) \
        if cols else (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64))
    target = None
    if keyness is not None:
        if keyness not in cols:
            raise QualcodeError(f"no column '{keyness}' to compare (columns: {', '.join(map(str, cols))})")
        target = cols.index(keyness)
        in_target = np.bincount(word_of[placed & (col_of == target)], minlength=len(vocabulary))
    rows = []
    for i, w in enumerate(vocabulary):
        if counts[i] and not is_stop(w):
            g2 = None
            if target is not None:
                c = col_tokens[target]
                g2 = log_likelihood(int(in_target[i]), int(counts[i] - in_target[i]), c, total - c)
            rows.append((i, int(counts[i]), g2))
    if target is None:
        rows.sort(key=lambda r: (-r[1], vocabulary[r[0]]))
    else:
        rows.sort(key=lambda r: (-r[2], -r[1], vocabulary[r[0]]))
    result = []
    for i, count, g2 in rows[:top] if top else rows:
        by_col = dict.fromkeys(cols, 0)
        lo, hi = np.searchsorted(pair_keys, [i * n_cols, (i + 1) * n_cols])
        for key, n in zip(pair_keys[lo:hi].tolist(), pair_counts[lo:hi].tolist(), strict=True):
            by_col[cols[key - i * n_cols]] = n
        result.append(WordCount(vocabulary[i], count, count / total * 10_000 if total else 0.0, by_col, g2,
                                None if g2 is None else chi2_p(g2)))
    return WordTable(result, cols, total, col_tokens)
