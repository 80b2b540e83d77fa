"""jieba's dictionary kept in the cache folder (text/jieba_dict.py) is the one jieba builds from its
dictionary file, word for word and count for count, and jieba segments the same with it."""

from __future__ import annotations

import subprocess
import sys

import jieba

from qualcode.text import jieba_dict


def jiebas_own() -> tuple[dict[str, int], int]:
    tokenizer = jieba.Tokenizer()
    return tokenizer.gen_pfdict(tokenizer.get_dict_file())


def test_the_kept_dictionary_is_the_one_jieba_builds(tmp_path, monkeypatch):
    monkeypatch.setenv("QUALCODE_CACHE_DIR", str(tmp_path))
    freq, total = jiebas_own()
    built = jieba_dict.load(jieba.Tokenizer())  # builds the arrays and keeps them
    [folder] = (tmp_path / "jieba").iterdir()
    assert sorted(p.name for p in folder.iterdir()) == ["counts.npy", "words.npy"]
    kept = jieba_dict.load(jieba.Tokenizer())  # reads them back
    assert built == kept == (freq, total)
    assert len(freq) > 400_000 and freq["护士"] > 0 and freq["护"] > 0


def test_a_damaged_dictionary_is_built_again(tmp_path, monkeypatch):
    monkeypatch.setenv("QUALCODE_CACHE_DIR", str(tmp_path))
    jieba_dict.load(jieba.Tokenizer())
    [folder] = (tmp_path / "jieba").iterdir()
    (folder / "counts.npy").write_bytes(b"damaged")
    assert jieba_dict.load(jieba.Tokenizer()) == jiebas_own()


SEGMENT = """
import jieba
from qualcode.text import nlp
nlp.pipeline("zh")
print(jieba.dt.initialized, len(jieba.dt.FREQ), jieba.dt.total)
print("/".join(jieba.cut("护士长说患者头疼得很厉害，主持人：我们讨论了很久。")))
"""


def test_the_pipeline_segments_as_jieba_does_and_where_no_cache_can_be_written(tmp_path):
    """The zh pipeline hands jieba the kept dictionary; a cache folder that cannot be written
    leaves it in memory; jieba loading its own gives the same words."""
    blocked = tmp_path / "a file"
    blocked.write_text("not a folder")
    ours = subprocess.run([sys.executable, "-c", SEGMENT], env={"QUALCODE_CACHE_DIR": str(blocked), "PATH": ""},
                          capture_output=True, text=True, check=True)
    theirs = subprocess.run([sys.executable, "-c", "import jieba, logging; jieba.setLogLevel(logging.WARNING);"
                             " jieba.initialize();" + SEGMENT.replace("from qualcode.text import nlp\n", "")
                             .replace('nlp.pipeline("zh")\n', "")],
                            capture_output=True, text=True, check=True)
    freq, total = jiebas_own()
    assert ours.stdout == theirs.stdout == (
        f"True {len(freq)} {total}\n护士长/说/患者/头疼/得/很/厉害/，/主持人/：/我们/讨论/了/很/久/。\n")
    assert ours.stderr == ""
