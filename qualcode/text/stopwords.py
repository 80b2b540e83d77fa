"""Stop words and numbers, from spaCy's lists for each language (no pipeline is loaded)."""

from __future__ import annotations

import importlib
from functools import cache

from .lang import LANGUAGES


@cache
def stop_words(lang: str) -> frozenset[str]:
    """spaCy's stop-word list for 'sv', 'zh' or 'en' (spacy.lang.<lang>.stop_words)."""
    return frozenset(importlib.import_module(f"spacy.lang.{lang}.stop_words").STOP_WORDS)


def all_stop_words() -> frozenset[str]:
    return frozenset().union(*(stop_words(lang) for lang in LANGUAGES))


@cache
def _like_num(lang: str):
    return importlib.import_module(f"spacy.lang.{lang}.lex_attrs").like_num


def like_num(word: str, lang: str) -> bool:
    """Whether spaCy takes `word` for a number in `lang` (12, 14.30, tre, 三, 十二)."""
    return bool(_like_num(lang)(word))
