"""The corpus bench_scale.py measures on: transcripts of about 20,000 characters (half Swedish,
half Chinese, focus groups with a moderator) generated deterministically, the projects built
from them (imported through the real import path, coded through the store by three coders),
and a project coded by hand for the undo row. Everything is cached under bench/.cache/, rebuilt
when the generator or the schema changes."""

from __future__ import annotations

import random
import re
import shutil
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

GENERATOR_VERSION = 1  # bump when the generated text or coding changes: the cache is rebuilt
CACHE = ROOT / "bench" / ".cache"
CHARS = 20_000
SMALL_DOCS = 7
CODERS = ["anna", "wei", "erik"]  # the TUI runs as the first
SV_GROUPS = ["GP A", "GP B", "GP C", "ST", "Sjukhus"]
ZH_GROUPS = ["肿瘤科", "儿科", "ICU", "急诊科", "内科"]


class Generator:
    """Transcripts from recombined corpus sentences with words swapped for others of the language."""

    def __init__(self) -> None:
        import jieba
        from common import corpus_sentences

        jieba.setLogLevel(60)
        self.sentences = {lang: corpus_sentences(lang) for lang in ("sv", "zh")}
        # one tokenisation of the pool; a swap replaces a token by a dictionary word
        self.tokens = {
            "sv": [re.findall(r"\w+|\W+", s) for s in self.sentences["sv"]],
            "zh": [jieba.lcut(s) for s in self.sentences["zh"]],
        }
        self.words = {"sv": self._swedish_words(), "zh": self._chinese_words()}

    @staticmethod
    def _swedish_words() -> list[str]:
        from qualcode.text.lemmas import table

        lemmas = (lemma.decode("utf-8") for lemma in table("sv").lemmas.tolist())
        return sorted({w for w in lemmas if re.fullmatch(r"[a-zåäö]{5,12}", w)})

    @staticmethod
    def _chinese_words() -> list[str]:
        import jieba

        words = []
        with jieba.get_dict_file() as f:
            for line in f:
                word, freq, tag = line.decode("utf-8").split()
                if len(word) == 2 and int(freq) >= 200 and tag in ("n", "v", "a", "vn", "ad", "an"):
                    words.append(word)
        return words

    def sentence(self, rng: random.Random, lang: str) -> str:
        tokens = rng.choice(self.tokens[lang])
        words = self.words[lang]
        out = []
        for token in tokens:
            swap = (len(token) >= 5 and token.isalpha() and token.islower()) if lang == "sv" else \
                (len(token) == 2 and all("\u4e00" <= ch <= "\u9fff" for ch in token))
            out.append(rng.choice(words) if swap and rng.random() < 0.15 else token)
        return "".join(out)

    def transcript(self, index: int) -> tuple[str, str, str, str]:
        """(name, lang, group, text) of transcript `index`: the same for the same index, always."""
        rng = random.Random(f"qualcode-scale-{GENERATOR_VERSION}-{index}")
        lang = "sv" if index % 2 == 0 else "zh"
        group = (SV_GROUPS if lang == "sv" else ZH_GROUPS)[(index // 2) % 5]
        people = rng.randint(4, 7)
        if lang == "sv":
            moderator, participants, colon, join = "Moderator", [f"D{i}" for i in range(1, people + 1)], ": ", " "
            date = f"2019-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
            head = f"Fokusgrupp {index} – {group}, Balintgrupp\nDatum: {date}"
        else:
            moderator, participants, colon, join = "主持人", [f"护士{chr(65 + i)}" for i in range(people)], "：", ""
            head = f"焦点小组{index} {group}护士 {rng.randint(2018, 2023)}年{rng.randint(1, 12)}月"
        parts, size, turn = [head], len(head), 0
        while size < CHARS:
            speaker = moderator if turn % rng.randint(3, 6) == 0 else rng.choice(participants)
            count = rng.randint(1, 2) if speaker == moderator else rng.randint(1, 8)
            speech = join.join(self.sentence(rng, lang) for _ in range(count))
            parts.append(f"{speaker}{colon}{speech}")
            size += len(parts[-1]) + 2
            turn += 1
        return f"t{index:04d}_{lang}", lang, group, "\n\n".join(parts) + "\n"


def cache_dir() -> Path:
    """Named by the generator's version and the schema (its migrations' source)."""
    import hashlib

    from qualcode.store import schema

    digest = hashlib.sha256(Path(schema.__file__).read_bytes()).hexdigest()[:8]
    return CACHE / f"v{GENERATOR_VERSION}-{schema.migration_names()[-1]}-{digest}"


def transcripts(count: int, say) -> list[Path]:
    """The first `count` transcripts as files (written once, kept in the cache)."""
    folder = cache_dir() / "transcripts"
    folder.mkdir(parents=True, exist_ok=True)
    missing = [i for i in range(count) if not any(folder.glob(f"t{i:04d}_*.txt"))]
    if missing:
        say(f"writing {len(missing)} transcripts to {folder}")
        generator = Generator()
        for i in missing:
            name, _, _, text = generator.transcript(i)
            (folder / f"{name}.txt").write_text(text, encoding="utf-8")
    return [next(folder.glob(f"t{i:04d}_*.txt")) for i in range(count)]


def group_of(path: Path) -> str:
    index, lang = int(path.stem[1:5]), path.stem[-2:]
    return (SV_GROUPS if lang == "sv" else ZH_GROUPS)[(index // 2) % 5]


def build_project(path: Path, files: list[Path], per_doc: int, say) -> None:
    """Import `files` (by focus group, as a study would), load the codebook, write the coding."""
    from qualcode.project import Project
    from qualcode.store import Store

    tmp = path.with_name(path.name + ".building")
    for leftover in tmp.parent.glob(tmp.name + "*"):
        leftover.unlink()
    started = time.perf_counter()
    with Project(tmp, create=True) as project:
        groups: dict[str, list[Path]] = {}
        for f in files:
            groups.setdefault(group_of(f), []).append(f)
        for group, members in groups.items():
            project.documents.import_files(members, group=group, actor="bench")
        say(f"  imported {len(files)} transcripts in {time.perf_counter() - started:.0f} s")
        project.codebook.load(ROOT / "codebooks" / "balint.yaml", actor="bench")
        codes = [c for c in project.codebook.codes() if c.codable and not c.retired]
        started = time.perf_counter()
        # the coding goes through the store beneath the project (no events: a bulk of our own)
        store = Store(tmp)
        with store.transaction():
            coders = [store.coder_id(c) for c in CODERS]
            for summary in project.documents.list():
                store.insert_segments(coding(summary, project, codes, coders, per_doc))
        say(f"  wrote {store.conn.execute('SELECT COUNT(*) FROM segments').fetchone()[0]:,} segments"
            f" in {time.perf_counter() - started:.0f} s")
        store.close()
    tmp.rename(path)


def coding(summary, project, codes, coders: list[int], per_doc: int) -> list[dict]:
    """About `per_doc` segments by the coders: a shared pool each coder keeps most of (sometimes
    with another code or nudged boundaries), then each coder's own."""
    from qualcode.store.base import new_uid

    rng = random.Random(f"qualcode-scale-coding-{GENERATOR_VERSION}-{summary.name}")
    text = project.documents.get(summary.id).text
    sentences = [(u.start, u.end) for u in project.documents.units(summary.id, "sentence")]
    turns = [(u.start, u.end) for u in project.documents.units(summary.id, "turn")]
    weights = [1 / (rank + 1) ** 0.8 for rank in range(len(codes))]

    def span() -> tuple[int, int]:
        kind = rng.random()
        if kind < 0.55:
            first = rng.randrange(len(sentences))
            last = min(first + rng.choice([0, 0, 0, 1, 2]), len(sentences) - 1)
            return sentences[first][0], sentences[last][1]
        if kind < 0.7 and turns:
            return rng.choice(turns)
        while True:
            start = rng.randrange(len(text) - 20)
            end = min(start + rng.randint(20, 400), len(text))
            if text[start:end].strip():
                return start, end

    def code() -> int:
        return rng.choices(codes, weights)[0].id

    shared = [(span(), code()) for _ in range(int(per_doc * 0.28))]
    rows = []
    for coder in coders:
        mine = []
        for (start, end), code_id in shared:
            if rng.random() < 0.85:
                if rng.random() < 0.1:
                    code_id = code()
                if rng.random() < 0.15:
                    start = max(0, start + rng.randint(-8, 8))
                    end = max(start + 1, min(len(text), end + rng.randint(-8, 8)))
                mine.append(((start, end), code_id))
        mine += [(span(), code()) for _ in range(per_doc // len(coders) - len(mine))]
        for (start, end), code_id in mine:
            memo = "Återkommer i nästa tur." if rng.random() < 0.03 else None
            rows.append({"uid": new_uid(), "doc_id": summary.id, "code_id": code_id, "coder_id": coder,
                         "start": start, "end": end, "memo": memo, "exemplar": int(rng.random() < 0.01),
                         "translation": None, "created_at": "2024-01-01T00:00:00.000+00:00"})
    return rows


def projects(docs: int, per_doc: int, say) -> tuple[Path, Path]:
    """The cached small and big projects, built when missing."""
    folder = cache_dir()
    for old in CACHE.glob("v*"):
        if old != folder:
            say(f"removing an outdated cache: {old}")
            shutil.rmtree(old)
    files = transcripts(max(docs, SMALL_DOCS), say)
    small = folder / f"small-{SMALL_DOCS}x{per_doc}.qualcode"
    big = folder / f"big-{docs}x{per_doc}.qualcode"
    for path, count in ((small, SMALL_DOCS), (big, docs)):
        if not path.exists():
            say(f"building {path.name} (once; it is cached)")
            build_project(path, files[:count], per_doc, say)
    return small, big


def undo_project(events: int, say) -> Path:
    """A transcript coded by hand, one sentence at a time, `events` times (each coding a
    `segment.add` event of the coder's history, as the workbench logs them); cached."""
    from qualcode.project import Project

    path = cache_dir() / f"undo-{events}.qualcode"
    if path.exists():
        return path
    say(f"building {path.name} (once; it is cached)")
    tmp = path.with_name(path.name + ".building")
    for leftover in tmp.parent.glob(tmp.name + "*"):
        leftover.unlink()
    with Project(tmp, create=True) as project:
        project.documents.import_files(transcripts(1, say), jobs=1)
        project.codebook.load(ROOT / "codebooks" / "balint.yaml")
        doc = project.documents.list()[0]
        units = project.documents.units(doc.id, "sentence")
        codes = [c for c in project.codebook.codes() if c.codable]
        with project.transaction():  # one transaction; every coding is still its own undo step
            for i in range(events):
                unit = units[i % len(units)]
                project.coding.add_segment(doc.id, codes[i % len(codes)].uid, unit.start, unit.end,
                                           coder=CODERS[0])
    tmp.rename(path)
    return path
