"""Text charts for the stats and summary screens: column charts and horizontal bars.

Plain Rich `Text` built from eighth-block characters, so a chart costs no extra dependency and
reads the same in a snapshot, a light theme and a dark one.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text

VERTICAL_EIGHTHS = " ▁▂▃▄▅▆▇█"
HORIZONTAL_EIGHTHS = " ▏▎▍▌▋▊▉█"


def hbar(fraction: float, width: int, style: str = "green") -> Text:
    """A bar `fraction` (0-1) of `width` cells long, to an eighth of a cell, on a dim track."""
    eighths = round(max(0.0, min(1.0, fraction)) * width * 8)
    full, rest = divmod(eighths, 8)
    bar = "█" * full + (HORIZONTAL_EIGHTHS[rest] if rest else "")
    text = Text(bar, style=style)
    text.append("░" * (width - len(bar)), style="dim")
    return text


def column_chart(
    values: Sequence[int],
    labels: Sequence[str],
    *,
    height: int = 6,
    highlight: Sequence[int] | None = None,
    column_width: int = 3,
    style: str = "cyan",
    highlight_style: str = "green",
) -> Text:
    """Columns of `values` over `labels`, with the scale on the left.

    `highlight`, when given, is the part of each value drawn in `highlight_style` at the bottom
    of its column (the correct answers among the reviews of a day).
    """
    peak = max(values, default=0)
    axis_width = len(str(peak))
    chart = Text()
    if peak == 0:
        peak = 1  # an empty chart still shows its baseline and labels
    for row in range(height, 0, -1):
        axis = str(max(values, default=0)) if row == height else ""
        chart.append(f"{axis:>{axis_width}} │", style="dim")
        for index, value in enumerate(values):
            chart.append(" " * (column_width - 1))
            chart.append(
                *_cell(
                    value,
                    highlight[index] if highlight else 0,
                    row,
                    height,
                    peak,
                    style,
                    highlight_style,
                )
            )
        chart.append("\n")
    chart.append(f"{'0':>{axis_width}} └" + "─" * (column_width * len(values)) + "\n", style="dim")
    label_row = " " * (axis_width + 2)
    for label in labels:
        label_row += label[-(column_width - 1) :].rjust(column_width)
    chart.append(label_row, style="dim")
    return chart


def _cell(
    value: int, good: int, row: int, height: int, peak: int, style: str, highlight_style: str
) -> tuple[str, str]:
    """The block for one column at one row (row 1 is the bottom), and its style."""
    level = value / peak * height  # in rows
    fill = max(0.0, min(1.0, level - (row - 1)))
    if value > 0 and row == 1 and fill < 1 / 8:
        fill = 1 / 8  # a day with one review still shows a sliver
    block = VERTICAL_EIGHTHS[round(fill * 8)]
    good_level = good / peak * height
    return block, highlight_style if good_level >= row - 0.5 and good else style
