"""The lemma tables kept memory-mapped (text/lemmas.py) answer as the dict spaCy's lookup
lemmatizer loads from spacy-lookups-data, for every form and for text that is in no table."""

from __future__ import annotations

import functools
import subprocess
import sys

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from qualcode.text import lemmas


@functools.cache
def reference(lang: str) -> dict[str, str]:
    from spacy.util import load_language_data, registry

    return load_language_data(registry.lookups.get(lang)["lemma_lookup"])


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_every_form_of_the_table_finds_its_lemma(lang):
    data = reference(lang)
    forms = list(data)
    assert lemmas.table(lang).lookup(forms) == [data[f] for f in forms]


@settings(max_examples=300, deadline=None)
@given(words=st.lists(st.one_of(st.sampled_from(["läkare", "Läkarna", "läkarens", "är", "Är", "gick"]),
                                st.text(max_size=50)), max_size=20))
@example(words=["", "\0", "läkare\0", "a" * 36, "å" * 18, "\ud7ff", "🙂"])
def test_text_in_no_table_is_not_found_and_forms_are_found(words):
    data = reference("sv")
    assert lemmas.table("sv").lookup(words, "-") == [data.get(w, "-") for w in words]


def test_a_cache_folder_that_cannot_be_written_builds_the_table_in_memory(tmp_path):
    blocked = tmp_path / "a file"
    blocked.write_text("not a folder")
    found = subprocess.run(
        [sys.executable, "-c", "from qualcode.text import lemmas; print(lemmas.table('sv').get('läkarna'))"],
        env={"QUALCODE_CACHE_DIR": str(blocked), "PATH": ""}, capture_output=True, text=True, check=True)
    assert found.stdout == "läkare\n" and found.stderr == ""


def test_a_damaged_cache_is_built_again(tmp_path, monkeypatch):
    monkeypatch.setenv("QUALCODE_CACHE_DIR", str(tmp_path))
    first = lemmas._open("en")
    assert first.get("went") == "go"
    [folder] = (tmp_path / "lemmas").iterdir()
    (folder / "forms.npy").write_bytes(b"damaged")
    again = lemmas._open("en")
    assert again.get("went") == "go" and str(again.forms.filename).startswith(str(folder))
    assert sorted(p.name for p in (tmp_path / "lemmas").iterdir()) == [folder.name]  # no drafts left


@given(st.lists(st.lists(st.integers(0, 10**12), min_size=1), min_size=1))
@example([[0], [9, 10], [99, 100, 101], [0, 0]])
def test_postings_are_printed_as_the_json_arrays_of_their_runs(runs):
    """The word index's spans, printed by numpy for a whole document at once."""
    import json

    from qualcode.text.nlp import json_arrays

    numbers = [n for run in runs for n in run]
    firsts = [sum(map(len, runs[:i])) for i in range(len(runs))]
    text, lows, highs = json_arrays(numbers, firsts)
    assert [text[a:b] for a, b in zip(lows, highs, strict=True)] == [json.dumps(r, separators=(",", ":")) for r in runs]
    assert text == "".join(json.dumps(r, separators=(",", ":")) for r in runs)


AWKWARD = st.sampled_from('"\\\n\x00\x1f\x7f\u2028')  # quoted, escaped, cut by SQLite, or let be


@given(st.dictionaries(st.text(st.one_of(st.characters(blacklist_categories=["Cs"]), AWKWARD), max_size=8),
                       st.lists(st.integers(0, 10**9), max_size=4), max_size=12))
@example({"läkare": [0, 6], 'sa "hej"': [7, 15], "a\\b": [1, 2], "护士": [3, 5], "\t": [9, 9]})
def test_the_word_index_is_the_json_object_of_its_words(index):
    """Keys quoted as JSON quotes them, in the order given, values as they are: SQLite's
    json_each reads back each word and its spans."""
    import json
    import sqlite3

    from qualcode.text.nlp import json_object

    words = sorted(index)
    arrays = [json.dumps(index[w], separators=(",", ":")) for w in words]
    text = json_object(words, iter(arrays))
    assert json.loads(text, object_pairs_hook=list) == [(w, index[w]) for w in words]
    if "\\u0000" not in text:  # json_each cuts a key at a NUL: the store inserts those itself
        rows = sqlite3.connect(":memory:").execute("SELECT key, value FROM json_each(?)", (text,)).fetchall()
        assert rows == list(zip(words, arrays, strict=True))
