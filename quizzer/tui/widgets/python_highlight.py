"""Python highlighting for the code editor without tree-sitter.

Textual's TextArea highlights through tree-sitter, an optional extra (`textual[syntax]`) that
is not installed here. Pygments comes with Rich, so when tree-sitter is missing the editor lexes
its text with Pygments and fills TextArea's highlight map itself (a ~40-line function lexes in
well under a millisecond, so re-lexing after every edit is fine).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from textual import events
from textual._tree_sitter import TREE_SITTER
from textual.widgets import TextArea

# Pygments token type (as a dotted string) -> TextArea theme style name. The first prefix that
# matches wins, so the more specific entries come first.
TOKEN_STYLES: tuple[tuple[str, str], ...] = (
    ("Token.Keyword.Constant", "constant.builtin"),
    ("Token.Keyword", "keyword"),
    ("Token.Operator.Word", "keyword.operator"),
    ("Token.Operator", "operator"),
    ("Token.Name.Builtin.Pseudo", "variable.builtin"),
    ("Token.Name.Builtin", "function.call"),
    ("Token.Name.Function", "function"),
    ("Token.Name.Decorator", "function"),
    ("Token.Name.Class", "class"),
    ("Token.Literal.String.Doc", "string.documentation"),
    ("Token.Literal.String", "string"),
    ("Token.Literal.Number", "number"),
    ("Token.Comment", "comment"),
)


def style_name(token_type: Any) -> str | None:
    name = str(token_type)
    for prefix, style in TOKEN_STYLES:
        if name.startswith(prefix):
            return style
    return None


def python_highlights(text: str) -> dict[int, list[tuple[int, int | None, str]]]:
    """Highlights per line as TextArea stores them: (start byte, end byte, style name)."""
    from pygments.lexers.python import PythonLexer

    highlights: dict[int, list[tuple[int, int | None, str]]] = defaultdict(list)
    row, byte_col = 0, 0
    for token_type, value in PythonLexer(stripnl=False, ensurenl=False).get_tokens(text):
        style = style_name(token_type)
        pieces = value.split("\n")
        for index, piece in enumerate(pieces):
            if index > 0:
                row, byte_col = row + 1, 0
            width = len(piece.encode("utf-8"))
            if style is not None and width:
                highlights[row].append((byte_col, byte_col + width, style))
            byte_col += width
    return highlights


class PythonEditor(TextArea):
    """A code editor with Python highlighting, through tree-sitter when present, else Pygments."""

    def __init__(self, text: str = "", **kwargs: Any) -> None:
        kwargs.setdefault("show_line_numbers", True)
        kwargs.setdefault("tab_behavior", "indent")
        kwargs.setdefault("soft_wrap", False)
        super().__init__(text, language="python" if TREE_SITTER else None, **kwargs)

    async def _on_key(self, event: events.Key) -> None:
        """Enter keeps the line's indentation, one level more after a `:` (as editors do)."""
        if event.key == "enter" and not self.read_only:
            event.stop()
            event.prevent_default()
            start, end = self.selection
            line = self.document.get_line(start[0])[: start[1]]
            indent = line[: len(line) - len(line.lstrip(" "))]
            if line.rstrip().endswith(":"):
                indent += " " * self.indent_width
            self.replace("\n" + indent, start, end, maintain_selection_offset=False)
            return
        await super()._on_key(event)

    def _build_highlight_map(self) -> None:
        if TREE_SITTER:
            super()._build_highlight_map()
            return
        self._line_cache.clear()
        self._highlights.clear()
        self._highlights.update(python_highlights(self.text))
