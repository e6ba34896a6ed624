"""TUI benchmarks: start-up to the home screen, UI memory, and keystrokes while a check runs.

Run by hand: `.venv/bin/python benchmarks/bench_tui.py [--runs 7]`. Prints one JSON document:

- `startup`: seconds from spawning `quizzer` in a pseudo-terminal (100x30) until the home
  screen's text reaches the terminal, against a minimal Textual app spawned the same way in the
  same run (median of `--runs`, alternating, after one warm-up run of each); target ratio <= 1.5.
- `rss_mib`: the resident memory of the `quizzer` process at the home screen (target < 80 MiB),
  and whether SymPy/torch are loaded there (they must not be).
- `keystrokes`: while a derivation check runs (the first check of a session: it starts the
  grading process and its SymPy worker), keys are typed into the answer field; reported are the
  per-key round trip (press -> the field shows it) and the longest event-loop stall, measured
  by a 5 ms timer, against the same figures with no check running (target: no key blocked
  > 50 ms). The same run with the check in the UI process (`Checker(None)`) shows why checks
  live in a child process.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import pty
import re
import select
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
# CSI sequences, OSC strings, DCS/PM/APC strings, and two-character escapes.
ANSI = re.compile(
    r"\x1b(\[[0-9;?<>=]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[PX^_][^\x1b]*\x1b\\|.)"
)
MARKER = "Start session"
SIGMOID_STEPS = [
    "diff(sigma(x), x)",
    "diff(1/(1 + exp(-x)), x)",
    "exp(-x)/(1 + exp(-x))^2",
    "1/(1 + exp(-x)) * exp(-x)/(1 + exp(-x))",
    "1/(1 + exp(-x)) * (1 - 1/(1 + exp(-x)))",
    "sigma(x)*(1 - sigma(x))",
]
MINIMAL_APP = """
from textual.app import App
from textual.widgets import Button, Footer, Static

class Minimal(App):
    def compose(self):
        yield Static("quizzer")
        yield Button("Start session")
        yield Footer()

Minimal().run()
"""


def spawn_until(
    command: list[str], env: dict[str, str], marker: str, timeout: float = 60.0
) -> tuple[float, int, subprocess.Popen[bytes], int]:
    """Spawn `command` on a 100x30 pseudo-terminal; seconds until `marker` is drawn."""
    master, slave = pty.openpty()
    import fcntl

    fcntl.ioctl(master, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
    started = time.perf_counter()
    process = subprocess.Popen(
        command, stdin=slave, stdout=slave, stderr=slave, env=env, cwd=REPO, start_new_session=True
    )
    os.close(slave)
    screen = ""
    while time.perf_counter() - started < timeout:
        ready, _, _ = select.select([master], [], [], 0.05)
        if ready:
            try:
                chunk = os.read(master, 65536)
            except OSError:
                break
            screen += ANSI.sub("", chunk.decode("utf-8", "replace"))
            if marker in screen:
                return time.perf_counter() - started, master, process, process.pid
    raise RuntimeError(f"{command[:3]} did not draw {marker!r} in {timeout} s:\n{screen[-500:]}")


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def torch_mapped(pid: int) -> bool:
    """Whether torch's shared libraries are mapped in the process. (SymPy is pure Python and
    leaves no trace here; tests/tui/test_engine_questions.py checks `sys.modules` instead.)"""
    return "/torch/" in Path(f"/proc/{pid}/maps").read_text()


def stop(master: int, process: subprocess.Popen[bytes]) -> None:
    os.write(master, b"\x11")  # ctrl+q
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    os.close(master)


def bench_startup(runs: int) -> dict[str, Any]:
    home = tempfile.mkdtemp(prefix="quizzer-bench-")
    env = {**os.environ, "QUIZZER_HOME": home, "TERM": "xterm-256color"}
    quizzer = [sys.executable, "-m", "quizzer"]
    minimal = [sys.executable, "-c", MINIMAL_APP]
    times: dict[str, list[float]] = {"quizzer": [], "minimal": []}
    memory: dict[str, Any] = {}
    for run in range(runs + 1):  # run 0 warms the disk cache and the bank cache
        for name, command in (("quizzer", quizzer), ("minimal", minimal)):
            seconds, master, process, pid = spawn_until(command, env, MARKER)
            if name == "quizzer" and run == runs:
                time.sleep(0.5)  # settle: what stays resident at the home screen
                memory = {"rss_mib": round(rss_mib(pid), 1), "torch_mapped": torch_mapped(pid)}
            elif name == "minimal" and run == runs:
                memory["minimal_rss_mib"] = round(rss_mib(pid), 1)
            stop(master, process)
            if run > 0:
                times[name].append(seconds)
    q, m = statistics.median(times["quizzer"]), statistics.median(times["minimal"])
    return {
        "startup": {
            "quizzer_s": round(q, 3),
            "minimal_textual_s": round(m, 3),
            "ratio": round(q / m, 2),
            "runs": runs,
            "quizzer_all_s": [round(t, 3) for t in times["quizzer"]],
            "minimal_all_s": [round(t, 3) for t in times["minimal"]],
        },
        "memory": memory,
    }


def send_key(app: Any, key: str) -> None:
    from textual import events

    event = events.Key(key, key if len(key) == 1 else None)
    event.set_sender(app)
    app._driver.send_message(event)


async def keystrokes(in_process: bool, with_check: bool) -> dict[str, Any]:
    """Type into a derivation answer, during its first check or with nothing running."""
    from quizzer.core.catalog import load_catalog
    from quizzer.core.session import SessionOptions
    from quizzer.core.store import Store
    from quizzer.tui.app import create_app
    from quizzer.tui.grader import Checker
    from quizzer.tui.screens.question import QuestionScreen
    from quizzer.tui.widgets.editors import DerivationAnswer

    banks = REPO / "tests" / "tui" / "banks-engines"
    catalog = load_catalog([banks], derivation_dirs=[REPO / "derivations"])
    store = Store.open(Path(tempfile.mkdtemp()) / "p.sqlite3")
    DerivationAnswer.CHECK_DELAY_S = 3600.0  # no live marks: only the submitted check runs
    kwargs: dict[str, Any] = {"checker": Checker(None)} if in_process else {}
    app = create_app(
        SessionOptions(bank_ids=("tui-engines",)),
        catalog=catalog,
        store=store,
        cursor_blink=False,
        **kwargs,
    )
    stalls: list[float] = []
    latencies: list[float] = []
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("s")
        await pilot.pause(0.3)
        await pilot.press("ctrl+n")  # to the derivation question
        await pilot.pause(0.3)
        assert isinstance(app.screen, QuestionScreen)
        screen = app.screen
        editor = screen.query_one(DerivationAnswer).editor
        # The whole reference derivation: six lines, each checked by SymPy.
        editor.insert("\n".join(SIGMOID_STEPS) + "\n")
        await pilot.pause()
        last = time.perf_counter()

        def tick() -> None:
            nonlocal last
            now = time.perf_counter()
            stalls.append(now - last - 0.005)
            last = now

        timer = app.set_interval(0.005, tick)
        check_started = time.perf_counter()
        if with_check:
            send_key(app, "ctrl+s")  # the check starts in a worker
            while not screen.checking:
                await asyncio.sleep(0)
        for _ in range(200):
            if with_check and not screen.checking:
                break  # the check is over: the feedback screen is coming
            before = editor.text
            started = time.perf_counter()
            # What the terminal driver does with a key (Pilot's press adds its own idle waits).
            send_key(app, "x")
            while editor.text == before and app.screen is screen:
                await asyncio.sleep(0)
            if app.screen is not screen:
                break
            latencies.append(time.perf_counter() - started)
            send_key(app, "backspace")
            while editor.text != before and app.screen is screen:
                await asyncio.sleep(0)
            if app.screen is not screen:
                break  # graded: the key went to the feedback screen
            await asyncio.sleep(0.02)  # a fast typist: 50 keys a second
        still_checking = with_check and screen.checking
        timer.stop()
        for _ in range(600):
            if not screen.checking:
                break
            await pilot.pause(0.05)
        check_s = time.perf_counter() - check_started
        await pilot.pause(0.2)  # let the last keys land before the app closes
    app.checker.close()
    store.close()
    return {
        "keys": len(latencies),
        # No keys at all means the check was over before the first key could be handled.
        "key_median_ms": round(1000 * statistics.median(latencies), 1) if latencies else None,
        "key_max_ms": round(1000 * max(latencies), 1) if latencies else None,
        "loop_stall_max_ms": round(1000 * max(stalls), 1) if stalls else None,
        "check_s": round(check_s, 2) if with_check else None,
        "check_still_running_after_keys": still_checking,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--skip-startup", action="store_true")
    args = parser.parse_args()
    os.environ.setdefault("QUIZZER_HOME", tempfile.mkdtemp(prefix="quizzer-bench-"))
    result: dict[str, Any] = {}
    if not args.skip_startup:
        result.update(bench_startup(args.runs))
    result["keystrokes"] = {
        "idle_baseline": asyncio.run(keystrokes(in_process=False, with_check=False)),
        "during_check_grading_process": asyncio.run(keystrokes(in_process=False, with_check=True)),
        "during_check_in_ui_process": asyncio.run(keystrokes(in_process=True, with_check=True)),
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
