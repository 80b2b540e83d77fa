"""Reports: theme summaries and their exports, the agreement table, the redaction list.

The summary itself is a pure function (`reports.summary.summarize`) of what `summary_input`
gathers here; renderers turn it into .docx, .md, .csv or .xlsx — always from the redacted copy
that `RedactionService.write` hands them (services/redaction.py).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import QualcodeError
from ..reports.agreement_table import AgreementTables, agreement_csv, agreement_docx, agreement_tables
from ..reports.evidence import TurnArray
from ..reports.summary import DocInput, PersonInput, SegmentColumns, Summary, SummaryInput, summarize
from ..store import Store
from ..text.outward import Outward
from .codebook import CodebookService
from .coding import CodingService
from .documents import DocumentService
from .participants import ParticipantService
from .redaction import NAME_ATTRIBUTES, RedactionService
from .settings import SettingsService, choose_from
from .team import TeamService

if TYPE_CHECKING:
    from ..analysis.columns import ProjectCoding

EXPORT_FORMATS = (".docx", ".md", ".csv", ".xlsx")
AGREEMENT_FORMATS = (".docx", ".csv")


class ReportService:
    def __init__(self, store: Store, documents: DocumentService, participants: ParticipantService,
                 codebook: CodebookService, coding: CodingService, team: TeamService,
                 settings: SettingsService, redaction: RedactionService | None = None) -> None:
        self.store = store
        self.documents = documents
        self.participants = participants
        self.codebook = codebook
        self.coding = coding
        self.team = team
        self.settings = settings
        self.redaction = redaction or RedactionService(store, participants)

    # --- redaction ----------------------------------------------------------------------------

    def redactions(self) -> list[str]:
        """Names never to appear in an export (they become [name])."""
        return self.redaction.names()

    def add_redaction(self, name: str, actor: str | None = None) -> list[str]:
        return self.redaction.add(name, actor)

    def outward(self, lang: str | None = None) -> Outward:
        """The redaction every outward text goes through (see services/redaction.py): a face
        that shows an export before it is written (a preview) shows `outward(lang)(data)`."""
        return self.redaction.outward(lang or self.settings.display_language or "en")

    # --- theme summary ------------------------------------------------------------------------

    def summary_input(self, agreement: dict | None = None, project: ProjectCoding | None = None) -> SummaryInput:
        """Everything the theme summary is computed from, read from the project: its coding as
        columns (`project`, when the caller has read it: `coding.columns()`), turns, people."""
        import numpy as np

        from ..analysis.columns import IdIndex

        project = project or self.coding.columns("sentence")
        participants = self.participants.list()
        speaker_person = {sid: key for sid, _, key in self.store.speaker_rows()}
        turns = self.store.turn_rows()  # document id, start, end, speaker id; by document
        docs = []
        ids = np.array([d.id for d in project.documents], np.int64)
        turn_runs = np.searchsorted(turns[:, 0], np.stack([ids, ids + 1]))
        unit_runs = np.searchsorted(project.units[:, 0], np.stack([ids, ids + 1]))
        for i, doc in enumerate(project.documents):
            lo, hi = turn_runs[:, i]
            speakers = [speaker_person.get(sp) for sp in turns[lo:hi, 3].tolist()]
            docs.append(DocInput(doc.id, doc.name, doc.group, doc.position, project.texts.texts[i],
                                 project.units[unit_runs[0, i]:unit_runs[1, i], 1:],
                                 TurnArray(turns[lo:hi, 1:3], speakers)))
        people = {
            p.key: PersonInput(p.key, p.pseudonym, p.attributes.get("group"), [label for _, label in p.speakers],
                               [v for k, v in p.attributes.items() if k.lower() in NAME_ATTRIBUTES])
            for p in participants
        }
        coder_ids = sorted(project.coders)
        rows = project.segments.copy()
        rows[:, 3] = IdIndex(coder_ids)(rows[:, 3])
        segments = SegmentColumns(rows, [project.coders[i] for i in coder_ids], self.store.segment_translations())
        return SummaryInput(
            title=self.store.setting("codebook.title"), documents=docs, people=people, codes=self.codebook.codes(),
            themes=self.codebook.themes(), segments=segments, coders=self.coding.coders(),
            agreement=agreement, consensus=self.settings.consensus_coder,
            decided=self.store.decided_documents(self.settings.consensus_coder), joined=project.texts,
        )

    def theme_summary(self, lang: str | None = None, **options) -> Summary:
        """The theme summary as computed (quotes with pseudonyms): not yet redacted. An export
        of it is written by `export_themes`, which redacts it whole (`outward`). An unknown
        language, theme, group or coder is refused, naming the ones there are."""
        lang = self.settings.check_language(lang) or self.settings.display_language or "en"
        agreement = options.pop("agreement", None)
        project = self.coding.columns("sentence")  # read once: for the summary and the method's agreement
        inp = self.summary_input(None, project)
        themes = {t.name: {t.name, t.label(lang)} for t in inp.themes}
        groups = sorted({d.group for d in inp.documents if d.group} | {p.group for p in inp.people.values() if p.group})
        for option, known, names in (("themes", themes, [n for ns in themes.values() for n in ns]),
                                     ("groups", groups, groups), ("coders", inp.coders, inp.coders)):
            for wanted in options.get(option) or []:
                if wanted not in names:
                    raise QualcodeError(f"unknown {option[:-1]} '{wanted}'", choose_from(known))
        inp.agreement = agreement or self._method_agreement(project)
        return summarize(inp, lang, **options)

    def _method_agreement(self, project: ProjectCoding) -> dict | None:
        """Agreement of the co-authors (not the consensus) for the method paragraph, if any: its
        pooled figures (`team.agreement_headline`), all the paragraph prints."""
        coders = [c for c in self.coding.coders() if c != self.settings.consensus_coder]
        if len(coders) < 2:
            return None
        try:
            return self.team.agreement_headline(coders, project)
        except QualcodeError:  # no transcript coded by all of them: nothing to report
            return None

    def export_themes(self, path: Path, lang: str | None = None, **options) -> Path:
        """Write the theme summary as .docx, .md, .csv or .xlsx (by suffix), atomically."""
        from ..reports import themes_docx, themes_tables

        path = Path(path)
        suffix = path.suffix.lower()
        if suffix not in EXPORT_FORMATS:
            raise QualcodeError(f"unsupported export '{suffix}' (use {', '.join(EXPORT_FORMATS)})", path)
        memos = options.pop("memos", False)
        summary = self.theme_summary(lang, **options)
        if memos:
            self.add_theme_memos(summary)
        render = {".docx": themes_docx.render, ".md": themes_tables.markdown, ".csv": themes_tables.csv_bytes,
                  ".xlsx": themes_tables.xlsx_bytes}[suffix]
        return self.redaction.write(path, render, summary, summary.lang)

    def add_theme_memos(self, summary: Summary) -> None:
        """Each theme's memos and its codes' (oldest first), for the summary's renderers."""
        themes = {t.label(summary.lang): t for t in self.codebook.themes()}
        codes = {c.id: c for c in self.codebook.codes()}
        on: dict[str, list[dict]] = {}
        for row in self.store.memo_rows("theme") + self.store.memo_rows("code"):
            on.setdefault(row["target_uid"], []).append(row)
        for result in summary.themes:
            theme = themes.get(result.name)
            if theme is None:
                continue
            about = [(theme.uid, result.name)] + [(codes[i].uid, codes[i].label(summary.lang))
                                                  for i in theme.code_ids if i in codes]
            result.memos = [(name, row["author"], row["text"]) for uid, name in about for row in on.get(uid, [])]

    # --- agreement ----------------------------------------------------------------------------

    def agreement_tables(self, report: dict) -> AgreementTables:
        """An agreement report (from `team.agreement`) as rows to show or print."""
        return agreement_tables(report)

    def export_agreement(self, report: dict, path: Path, lang: str | None = None) -> Path:
        """Write an agreement report's table as .docx or .csv (by suffix), atomically and redacted."""
        path = Path(path)
        suffix = path.suffix.lower()
        if suffix not in AGREEMENT_FORMATS:
            raise QualcodeError(f"unsupported agreement export '{suffix}' (use .docx or .csv)", path)
        render = agreement_docx if suffix == ".docx" else agreement_csv
        return self.redaction.write(path, render, agreement_tables(report),
                                    self.settings.check_language(lang) or self.settings.display_language or "en")
