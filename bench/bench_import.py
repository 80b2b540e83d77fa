"""Import cost against spaCy alone.

Writes N synthetic transcripts (half Swedish, half Chinese) of C characters, then times
(a) the same spaCy pipelines alone over the same pieces of text, and (b) `Project.import_files`
of the files into a new project (reading, normalising, turns, spaCy, storing). Prints the
ratio b/a; the target is at most 1.5. Pipelines are loaded before either timing.

    python bench/bench_import.py [--docs 200] [--chars 20000]
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from common import Timer, corpus_sentences, transcript

from qualcode.project import Project
from qualcode.text import nlp
from qualcode.text.prepare import _piece_language, read_document, regions


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--docs", type=int, default=200)
    parser.add_argument("--chars", type=int, default=20_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        files = []
        sentences = {lang: corpus_sentences(lang) for lang in ("sv", "zh")}
        for i in range(args.docs):
            lang = "sv" if i % 2 == 0 else "zh"
            path = tmp / f"t{i:04d}_{lang}.txt"
            path.write_text(transcript(lang, args.chars, i, sentences[lang]), encoding="utf-8")
            files.append((path, lang))
        for lang in ("sv", "zh"):
            nlp.pipeline(lang)  # load pipelines outside the timings

        # (a) spaCy alone, over exactly the pieces the import will give it
        docs = [read_document(path, lang) for path, lang in files]
        with Timer() as alone:
            for doc in docs:
                texts = [doc.text[s:e] for s, e, _ in regions(doc.text, doc.turns)]
                langs = [_piece_language(doc.lang, t) for t in texts]
                for lang in sorted(set(langs)):
                    chosen = [t for t, x in zip(texts, langs, strict=True) if x == lang]
                    for _ in nlp.pipeline(lang).pipe(chosen, batch_size=256):
                        pass
        # (b) the whole import
        with Project(tmp / "bench.qualcode", create=True) as project, Timer() as full:
            report = project.documents.import_files([p for p, _ in files], lang="auto", actor="bench")
        assert len(report.imported) == args.docs
        chars = sum(len(d.text) for d in docs)
        print(f"{args.docs} transcripts, {chars:,} characters")
        print(f"spaCy pipelines alone: {alone.seconds:7.2f} s")
        print(f"qualcode import:       {full.seconds:7.2f} s")
        print(f"ratio import / spaCy:  {full.seconds / alone.seconds:7.2f}  (target <= 1.5)")


if __name__ == "__main__":
    main()
