"""Progress of a batch as plain lines, for stderr that is not a terminal (logs, cron, CI).

A live bar means nothing in a log file: there a script wants `done/total`, an estimate of the
time left, and the name of a dossier that has been running for long (the one to look at when
a batch seems stuck). Lines are throttled so a batch of thousands does not flood the log.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

SLOW_AFTER = 60.0  # seconds: a dossier running this long is named, and again every SLOW_AFTER
LINE_EVERY = 10.0  # seconds between two progress lines, besides every tenth of the batch


def duration(seconds: float) -> str:
    """`1 小时 5 分`, `3 分 20 秒`, `45 秒`: rounded the way a person reads an estimate."""
    s = max(0, round(seconds))
    if s >= 3600:
        return f"{s // 3600} 小时 {s % 3600 // 60} 分"
    if s >= 60:
        return f"{s // 60} 分 {s % 60} 秒"
    return f"{s} 秒"


class PlainProgress:
    """`进度 3/30（10%）· 已用 12 秒 · 预计还需 1 分 48 秒` lines, and `仍在检查 X` for slow ones."""

    def __init__(
        self,
        total: int,
        out: TextIO | None = None,
        clock: Callable[[], float] = time.monotonic,
        slow_after: float = SLOW_AFTER,
    ) -> None:
        self.total = total
        self.out = out if out is not None else sys.stderr
        self.clock = clock
        self.slow_after = slow_after
        self.start = clock()
        self.done = 0
        self.running: dict[Path, tuple[float, float]] = {}  # path → (started, last named)
        self._last_line = -LINE_EVERY
        self._last_step = -1
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def _print(self, line: str) -> None:
        with self._lock:
            print(line, file=self.out, flush=True)

    def started(self, path: Path) -> None:
        now = self.clock()
        with self._lock:
            self.running[path] = (now, now)

    def finished(self, path: Path) -> None:
        now = self.clock()
        with self._lock:
            self.running.pop(path, None)
            self.done += 1
            step = self.done * 10 // max(self.total, 1)
            due = step != self._last_step or now - self._last_line >= LINE_EVERY or self.done == self.total
            if due:
                self._last_step, self._last_line = step, now
        if due:
            self._print(self.line(now))

    def line(self, now: float) -> str:
        elapsed = now - self.start
        pct = self.done * 100 // max(self.total, 1)
        text = f"进度 {self.done}/{self.total}（{pct}%）· 已用 {duration(elapsed)}"
        if 0 < self.done < self.total:
            text += f" · 预计还需 {duration(elapsed / self.done * (self.total - self.done))}"
        return text

    def slow_lines(self, now: float) -> list[str]:
        """Dossiers running past `slow_after`, each named once per `slow_after`."""
        out = []
        with self._lock:
            for path, (began, named) in self.running.items():
                if now - named >= self.slow_after:
                    self.running[path] = (began, now)
                    out.append(f"仍在检查 {path.name}（已用 {duration(now - began)}）")
        return out

    def __enter__(self) -> PlainProgress:
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=2)

    def _watch(self) -> None:
        tick = min(5.0, self.slow_after / 2)
        while not self._stop.wait(tick):
            for line in self.slow_lines(self.clock()):
                self._print(line)
