"""A one-line spinner shown while a check runs."""

from __future__ import annotations

from textual.timer import Timer
from textual.widgets import Static

FRAMES = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"


class Spinner(Static):
    """Braille dots turning next to a label; the timer runs only while the spinner is shown."""

    DEFAULT_CSS = """
    Spinner { height: 1; color: $accent; display: none; }
    Spinner.-running { display: block; }
    """

    def __init__(self, label: str = "", *, id: str | None = None) -> None:
        super().__init__("", id=id)
        self._label = label
        self._frame = 0
        self._timer: Timer | None = None

    def start(self, label: str | None = None) -> None:
        if label is not None:
            self._label = label
        self._frame = 0
        self.add_class("-running")
        self._draw()
        if self._timer is None:
            # 12 frames a second is smooth enough and costs nothing measurable.
            self._timer = self.set_interval(1 / 12, self._advance)
        else:
            self._timer.resume()

    def stop(self) -> None:
        self.remove_class("-running")
        if self._timer is not None:
            self._timer.pause()

    @property
    def running(self) -> bool:
        return self.has_class("-running")

    def _advance(self) -> None:
        self._frame = (self._frame + 1) % len(FRAMES)
        self._draw()

    def _draw(self) -> None:
        self.update(f"{FRAMES[self._frame]} {self._label}")
