"""Simplified/traditional folding for searching Chinese, one character at a time (OpenCC).

A search that folds finds 发 where the transcript has 發 or 髮, and 護士 where it has 护士. The
folding is per character (OpenCC's t2s on each character alone, phrase tables aside), so it
never changes a text's length and offsets stay those of the stored text. OpenCC is optional:
`pip install 'qualcode[chinese]'`.
"""

from __future__ import annotations

import re
import threading

from ..errors import QualcodeError

_HAN_RANGES = ((0x3400, 0x4DC0), (0x4E00, 0xA000), (0xF900, 0xFB00), (0x20000, 0x2A6E0))
_lock = threading.Lock()
_simplified: dict[str, str] = {}  # a character with variants -> its simplified form
_classes: dict[str, str] = {}  # a character with variants -> all of them, itself first


def _converter():
    try:
        import opencc
    except ImportError:
        raise QualcodeError("simplified/traditional folding needs OpenCC: pip install 'qualcode[chinese]'",
                            "opencc") from None
    try:
        return opencc.OpenCC("t2s")
    except Exception:  # older packagings want the config file's name
        return opencc.OpenCC("t2s.json")


def _load() -> None:
    with _lock:
        if _classes:
            return
        chars = [chr(c) for lo, hi in _HAN_RANGES for c in range(lo, hi)]
        # one call for all characters; line breaks keep OpenCC from reading them as phrases
        simplified = _converter().convert("\n".join(chars)).split("\n")
        groups: dict[str, list[str]] = {}
        for char, simple in zip(chars, simplified, strict=True):
            if len(simple) == 1 and simple != char:
                groups.setdefault(simple, [simple]).append(char)
        for simple, members in groups.items():
            for char in members:
                _simplified[char] = simple
                _classes[char] = char + "".join(m for m in members if m != char)


def variant_classes() -> dict[str, str]:
    """Every Han character that has variants -> all of them, itself first (发 -> 发發髮)."""
    _load()
    return _classes


def fold(text: str) -> str:
    """Each character replaced by its simplified form (same length as `text`)."""
    _load()
    return "".join(_simplified.get(ch, ch) for ch in text)


def folded_pattern(term: str) -> str:
    """A regular expression that finds `term` written in simplified, traditional or mixed characters."""
    _load()
    return "".join(f"[{_classes[ch]}]" if ch in _classes else re.escape(ch) for ch in term)


def spellings(term: str, limit: int = 256) -> list[str]:
    """Every way of writing `term` in simplified, traditional or mixed characters (the term itself
    first), for looking words up in the word index; at most `limit` of them."""
    from itertools import islice, product

    _load()
    options = [_classes.get(ch, ch) for ch in term]
    return ["".join(p) for p in islice(product(*options), limit)]
