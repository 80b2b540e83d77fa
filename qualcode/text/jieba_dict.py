"""jieba's dictionary, loaded in a third of the time jieba takes.

jieba segments with a prefix dictionary (half a million words and their prefixes, with counts)
that it loads from a marshal file in the temporary folder: 0.6 s, before any Chinese can be
segmented, and before an import's workers can start. Kept as two arrays in the user's cache
folder (text/cached.py), the words as one UTF-8 text and their counts, the same dictionary
loads in 0.2 s. It is built once per machine and dictionary file, the way jieba builds it
(`Tokenizer.gen_pfdict`), and jieba's default tokenizer is handed it instead of loading its own.
"""

from __future__ import annotations

import hashlib
import io

from . import cached

FORMAT = 1  # bump when the files change
_NAMES = ("words", "counts")


def prepare() -> None:
    """jieba's default tokenizer, its dictionary loaded (from the cache when it can be)."""
    import jieba

    tokenizer = jieba.dt
    with tokenizer.lock:
        if tokenizer.initialized:
            return
        if tokenizer.dictionary != jieba.DEFAULT_DICT:  # another dictionary: jieba loads it itself
            tokenizer.initialize()
            return
        try:
            tokenizer.FREQ, tokenizer.total = load(tokenizer)
        except ValueError:  # a dictionary these arrays cannot hold: jieba's own way
            tokenizer.initialize()
            return
        tokenizer.initialized = True


def load(tokenizer) -> tuple[dict[str, int], int]:
    """(word or prefix -> count, the sum of the words' counts) of the tokenizer's dictionary file,
    as `gen_pfdict` gives them."""
    with tokenizer.get_dict_file() as f:
        source = f.read()
    digest = hashlib.sha256(source).hexdigest()[:16]
    folder = cached.cache_root() / "jieba" / f"{digest}-{FORMAT}"
    words, counts = cached.arrays(folder, _NAMES, lambda: _build(tokenizer, source))
    counts = counts.tolist()
    text = words.tobytes().decode("utf-8")
    return dict(zip(text.split("\n") if text else [], counts[:-1], strict=True)), counts[-1]


def _build(tokenizer, source: bytes):
    import numpy as np

    file = io.BytesIO(source)
    file.name = "dict.txt"
    freq, total = tokenizer.gen_pfdict(file)
    if any("\n" in word for word in freq):
        raise ValueError("a word of the jieba dictionary holds a line break")
    text = "\n".join(freq).encode("utf-8")
    return np.frombuffer(text, dtype=np.uint8), np.array([*freq.values(), total], dtype=np.int64)
