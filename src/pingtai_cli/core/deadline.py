"""A time limit on work done in this process (SIGALRM), for where no worker process is wanted.

A batch stops a dossier past its limit by killing its worker; one dossier checked alone and
the forms of `fill-forms` run in this process, where an alarm raises `TimeLimit` in the
main thread. `TimeLimit` is a BaseException so that no `except Exception` on the way (a
broken file is a finding) swallows it, and cleanups that run on Ctrl-C run for it too.
"""

from __future__ import annotations

import contextlib
import math
import signal
import threading
from collections.abc import Iterator
from typing import Any

from pingtai_cli.core.errors import PingtaiError

DOSSIER_TIMEOUT = 300.0  # seconds to read one dossier, as `check` allows (fill-forms' --timeout)

MAX_SECONDS = 7 * 24 * 3600.0  # a week: anything longer is a typo, and setitimer overflows near 1e308


class TimeLimit(BaseException):
    """The work ran past its limit (raised by the alarm in the main thread)."""

    def __init__(self, seconds: float) -> None:
        super().__init__(seconds)
        self.seconds = seconds


def check_seconds(value: float | None, option: str = "--timeout") -> float | None:
    """A time limit as given on the command line: finite, positive, at most a week."""
    if value is None:
        return None
    if not math.isfinite(value) or value <= 0 or value > MAX_SECONDS:
        raise PingtaiError(f"{option} 应为 0 到 {MAX_SECONDS:g} 之间的有限秒数，收到 {value!r}")
    return value


@contextlib.contextmanager
def time_limit(seconds: float | None) -> Iterator[None]:
    """Raise TimeLimit in this (main) thread after `seconds`; no limit off the main thread."""
    usable = (
        seconds is not None
        and hasattr(signal, "setitimer")
        and threading.current_thread() is threading.main_thread()
    )
    if not usable:
        yield
        return
    assert seconds is not None

    def expire(_signum: int, _frame: Any) -> None:
        raise TimeLimit(seconds)

    import time

    outer = signal.getitimer(signal.ITIMER_REAL)[0]  # a limit around this one keeps running
    if outer and outer <= seconds:  # the outer limit comes first: it alone applies
        yield
        return
    started = time.monotonic()
    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if outer:
            signal.setitimer(signal.ITIMER_REAL, max(outer - (time.monotonic() - started), 0.001))


def _address_space() -> int | None:
    """Bytes of address space this process maps now (Linux), or None."""
    try:
        with open("/proc/self/statm") as fh:
            pages = int(fh.read().split()[0])
    except (OSError, ValueError, IndexError):
        return None
    import os

    return pages * os.sysconf("SC_PAGE_SIZE")


@contextlib.contextmanager
def memory_limit(extra_bytes: int) -> Iterator[None]:
    """Let the work inside map at most `extra_bytes` more (RLIMIT_AS, soft limit raised back after):
    past it an allocation fails with MemoryError instead of the machine running out."""
    try:
        import resource
    except ImportError:  # not on this system
        yield
        return
    now = _address_space()
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    wanted = None if now is None else now + extra_bytes
    if wanted is None or (hard != resource.RLIM_INFINITY and wanted > hard) or (
        soft != resource.RLIM_INFINITY and wanted > soft
    ):
        yield
        return
    resource.setrlimit(resource.RLIMIT_AS, (wanted, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))
