"""Exporting 5,000 quotes to .docx against python-docx writing the same text as plain
paragraphs (target: at most 1.5x), the redaction of the summary (every string, ten names)
included as every export does it.

    python bench/bench_export.py [--quotes 5000]
"""

from __future__ import annotations

import argparse
import io
import random

import docx
from common import Timer, corpus_sentences

from qualcode.reports.summary import Quote, Summary, ThemeResult
from qualcode.reports.themes_docx import render
from qualcode.text.outward import Outward

NAMES = ["Åsa Öberg", "Kungsbacka", "Per Holm", "Karin", "Lund", "Mölndal", "王芳", "李明", "陈晓东", "Erik Ek"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quotes", type=int, default=5000)
    args = parser.parse_args()
    rng = random.Random(1)
    pool = corpus_sentences("sv") + corpus_sentences("zh")
    themes = []
    per_theme = args.quotes // 10
    for t in range(10):
        quotes = [Quote(text=rng.choice(pool), translation=rng.choice(pool), attribution=f"(GP A group, P{i % 19:02d})",
                        participant=f"P{i % 19:02d}", group="GP A", document="fg", start=0, end=1,
                        exemplar=False, code="Kod") for i in range(per_theme)]
        themes.append(ThemeResult(f"Tema {t}", "Definition.", [("Kod", "Kort.", "#4E79A7")], per_theme, 19, 4,
                                  ["GP A"], {"GP A": {"segments": per_theme, "participants": 19}}, quotes))
    summary = Summary("Bench", "en", 4, 19, 4, ["GP A"], ["a", "b"], None, themes, [], [])
    with Timer() as plain:
        document = docx.Document()
        for theme in themes:
            document.add_heading(theme.name, 1)
            for q in theme.quotes:
                document.add_paragraph(f"“{q.text}” {q.attribution}")
                document.add_paragraph(q.translation)
        document.save(io.BytesIO())
    with Timer() as ours:
        render(Outward(NAMES, "en")(summary))
    print(f"{args.quotes} quotes with translations")
    print(f"python-docx, plain paragraphs: {plain.seconds:6.2f} s")
    print(f"qualcode theme export:         {ours.seconds:6.2f} s  (redacted, as every export is)")
    print(f"ratio:                         {ours.seconds / plain.seconds:6.2f}  (target <= 1.5)")


if __name__ == "__main__":
    main()
