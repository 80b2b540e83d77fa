"""The codebook pane: themes and categories as a tree, with counts."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Tree

from ...model import Code, Theme
from ..screens import safe_colour


@dataclass(frozen=True)
class CodeNode:
    code: Code


class CodebookTree(Tree):
    """Themes → codes, then the code hierarchy; Enter on a code opens its retrieval,
    p pins it to a number key."""

    BINDINGS = [Binding("p", "pin", "Pin to key", id="codebook.pin")]

    @dataclass
    class PinRequested(Message):
        code: Code

    @dataclass
    class CodeHighlighted(Message):
        code: Code | None

    @dataclass
    class CodeChosen(Message):
        code: Code

    def __init__(self, **kwargs) -> None:
        super().__init__("codebook", **kwargs)
        self.show_root = False
        self.guide_depth = 2

    def fill(self, codes: list[Code], themes: list[Theme], counts: dict[int, int], lang: str | None,
             quick: list[Code | None]) -> None:
        keys = {c.id: str(i) for i, c in enumerate(quick, start=1) if c}
        by_id = {c.id: c for c in codes}

        def label(code: Code) -> Text:
            text = Text()
            text.append("■ ", style=safe_colour(code.color))
            text.append(code.label(lang), style="dim strike" if code.retired else ("" if code.codable else "bold"))
            if code.id in counts:
                text.append(f"\u00a0{counts[code.id]}", style="dim")  # a plain space gets trimmed
            if code.id in keys:
                text.append(f"\u00a0[{keys[code.id]}]", style="bold cyan")
            return text

        self.clear()
        if themes:
            theme_root = self.root.add("[b]Themes[/b]", expand=True)
            for theme in themes:
                node = theme_root.add(Text(theme.label(lang), style="italic"), expand=False)
                for code_id in theme.code_ids:
                    if code_id in by_id:
                        node.add_leaf(label(by_id[code_id]), data=CodeNode(by_id[code_id]))
        code_root = self.root.add("[b]Codes[/b]", expand=True)
        nodes = {None: code_root}
        for code in codes:
            parent = nodes.get(code.parent_id, code_root)
            has_children = any(c.parent_id == code.id for c in codes)
            if has_children:
                nodes[code.id] = parent.add(label(code), data=CodeNode(code), expand=True)
            else:
                parent.add_leaf(label(code), data=CodeNode(code))

    def action_pin(self) -> None:
        node = self.cursor_node
        if node is not None and isinstance(node.data, CodeNode) and node.data.code.codable:
            self.post_message(self.PinRequested(node.data.code))

    def on_tree_node_highlighted(self, event: Tree.NodeHighlighted) -> None:
        data = event.node.data
        self.post_message(self.CodeHighlighted(data.code if isinstance(data, CodeNode) else None))

    def on_tree_node_selected(self, event: Tree.NodeSelected) -> None:
        data = event.node.data
        if isinstance(data, CodeNode) and data.code.codable:
            self.post_message(self.CodeChosen(data.code))
