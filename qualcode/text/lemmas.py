"""The lookup lemmatizer's tables (spacy-lookups-data), form -> lemma, read memory-mapped.

Loaded as a dict, the Swedish table (660,000 forms) takes 0.3 s, and finding it takes spaCy's
import (0.35 s): on every `qualcode kwic`, and before an import's workers can start. So the
table is kept, once built, in the user's cache folder as sorted arrays of the forms' UTF-8 bytes
(numpy .npy files, about 40 MB for Swedish), opened memory-mapped: opening costs nothing, a
lookup is a binary search, and worker processes share the pages. Building it (once per machine
and version of spacy-lookups-data) takes about a second; where the cache folder cannot be
written, the arrays are built in memory instead.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

from . import cached

FORMAT = 1  # bump when the files change
_lock = threading.Lock()
_tables: dict[str, LemmaTable] = {}


class LemmaTable:
    """form -> lemma for one language: `forms` sorted (UTF-8 bytes), `lemma_ids[i]` the index in
    `lemmas` of the lemma of `forms[i]`."""

    def __init__(self, forms, lemma_ids, lemmas) -> None:
        self.forms, self.lemma_ids, self.lemmas = forms, lemma_ids, lemmas
        self.width = forms.dtype.itemsize

    def get(self, form: str, default: str | None = None) -> str | None:
        return self.lookup([form], default)[0]

    def lookup(self, forms: Sequence[str], default: str | None = None) -> list[str | None]:
        """The lemma of each form (`default` for a form the table lacks), in one search."""
        import numpy as np

        if not forms or not len(self.forms):
            return [default] * len(forms)
        encoded = [f.encode("utf-8") for f in forms]
        # numpy's bytes drop trailing NULs and longer ones would be cut: neither is in a table
        fits = [len(b) <= self.width and not b.endswith(b"\0") for b in encoded]
        wanted = np.array([b if ok else b"" for b, ok in zip(encoded, fits, strict=True)], dtype=self.forms.dtype)
        at = np.minimum(np.searchsorted(self.forms, wanted), len(self.forms) - 1)
        found = (self.forms[at] == wanted) & np.array(fits)
        ids = self.lemma_ids[at]
        return [self.lemmas[i].decode("utf-8") if hit else default
                for i, hit in zip(ids.tolist(), found.tolist(), strict=True)]


def table(lang: str) -> LemmaTable:
    """The table of 'sv' or 'en', from the cache (built there the first time)."""
    with _lock:
        if lang not in _tables:
            _tables[lang] = _open(lang)
        return _tables[lang]


def _open(lang: str) -> LemmaTable:
    import spacy_lookups_data

    folder = cached.cache_root() / "lemmas" / f"{lang}-{spacy_lookups_data.__version__}-{FORMAT}"
    return LemmaTable(*cached.arrays(folder, _NAMES, lambda: _build(lang)))


_NAMES = ("forms", "lemma_ids", "lemmas")


def _build(lang: str):
    """The arrays, from spacy-lookups-data's JSON (as spaCy's lookup lemmatizer reads it)."""
    import numpy as np
    from spacy.util import load_language_data, registry

    data: dict[str, str] = load_language_data(registry.lookups.get(lang)["lemma_lookup"])
    lemmas = sorted(set(data.values()))
    number = {lemma: i for i, lemma in enumerate(lemmas)}
    encoded = [form.encode("utf-8") for form in data]
    forms = np.array(encoded, dtype=f"S{max(map(len, encoded), default=1)}")
    order = np.argsort(forms, kind="stable")
    lemma_ids = np.fromiter((number[lemma] for lemma in data.values()), dtype=np.int32, count=len(data))[order]
    lemma_bytes = [lemma.encode("utf-8") for lemma in lemmas]
    return (forms[order], lemma_ids,
            np.array(lemma_bytes, dtype=f"S{max(map(len, lemma_bytes), default=1)}"))
