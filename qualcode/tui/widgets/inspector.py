"""The inspector: the segments under the cursor, or the definition of the highlighted code."""

from __future__ import annotations

from rich.console import Group
from rich.text import Text
from textual.widgets import Static

from ...model import FIELD_TITLES, Code, Segment
from ..screens import safe_colour


def _pick(texts: dict[str, str], lang: str | None) -> str:
    return (lang and texts.get(lang)) or next(iter(texts.values()), "")


class Inspector(Static):
    hint = "] selects a sentence, 1–9 or c codes it."  # the app says it with the keys in effect

    def show_segments(self, segments: list[Segment], codes: dict[int, Code], lang: str | None) -> None:
        if not segments:
            self.update(Text(f"No coding here.\n{self.hint}", style="dim"))
            return
        parts = []
        for s in segments:
            code = codes.get(s.code_id)
            line = Text()
            line.append("■ ", style=safe_colour(code.color if code else None))
            line.append(code.label(lang) if code else s.code, style="bold")
            line.append(f"  {s.coder}", style="dim")
            if s.exemplar:
                line.append("  ★ exemplar", style="yellow")
            parts.append(line)
            if s.memo:
                parts.append(Text(f"  memo: {s.memo}", style="italic"))
            if s.translation:
                parts.append(Text(f"  translation: {s.translation}", style="italic"))
        self.update(Group(*parts))

    def show_code(self, code: Code, lang: str | None) -> None:
        parts = [Text(code.label(lang), style=f"bold {safe_colour(code.color)}")]
        # what a coder needs at the moment of choice comes first
        for f in ("brief", "when_to_use", "when_not_to_use", "definition", "example"):
            text = _pick(getattr(code, f), lang)
            if text:
                style = "italic" if f == "example" else ""
                parts.append(Text.assemble((f"{FIELD_TITLES[f]}: ", "bold"), (text, style)))
        if len(parts) == 1:
            parts.append(Text("No definition yet (codebook edit adds one).", style="dim"))
        self.update(Group(*parts))
