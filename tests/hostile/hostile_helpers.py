"""Helpers of the hostile suite: tree snapshots, two ways to run pingtai, temp-file leftovers.

Every command is run in-process through Typer's CliRunner (exit codes as
`cli.main` maps them) and, for real exit codes and stderr, as a subprocess
with a private TMPDIR and cache dir.
"""

from __future__ import annotations

import hashlib
import os
import stat
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from pingtai_cli import cli
from pingtai_cli.core.errors import EXIT_USAGE, PingtaiError, os_reason

AS_OF = "2026-03-15"
TRACEBACK = "Traceback (most recent call last)"
INTERNAL = "内部错误"

cli._register()


# ---------------------------------------------------------------------------
# the input tree must not change


@dataclass(frozen=True)
class Node:
    kind: str  # file | dir | link | fifo | other
    mode: int
    size: int
    mtime_ns: int
    ctime_ns: int
    content: str  # sha256 of a file, target of a link, "" otherwise


def snapshot(root: Path) -> dict[str, Node]:
    """Every entry under root (links not followed, FIFOs not opened), with content hashes."""
    nodes: dict[str, Node] = {}
    cut = len(str(root)) + 1
    for folder, dirs, files in os.walk(root, followlinks=False):
        for name in dirs + files:
            path = f"{folder}/{name}"
            st = os.lstat(path)
            kind, content = _kind_and_content(path, st)
            nodes[path[cut:]] = Node(
                kind, stat.S_IMODE(st.st_mode), st.st_size, st.st_mtime_ns, st.st_ctime_ns, content
            )
    return nodes


def _kind_and_content(path: str, st: os.stat_result) -> tuple[str, str]:
    if stat.S_ISLNK(st.st_mode):
        return "link", os.readlink(path)
    if stat.S_ISDIR(st.st_mode):
        return "dir", ""
    if stat.S_ISFIFO(st.st_mode):
        return "fifo", ""
    if not stat.S_ISREG(st.st_mode):
        return "other", ""
    # The kernel changes ctime on every write, and nothing can set it back: a file
    # whose stat is unchanged has unchanged bytes, so its hash is computed once.
    key = (path, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)
    if key not in _HASHES:
        try:
            with open(path, "rb") as fh:
                _HASHES[key] = hashlib.file_digest(fh, "sha256").hexdigest()
        except PermissionError:  # chmod 000 when not root: mode, size and times still count
            _HASHES[key] = "unreadable"
    return "file", _HASHES[key]


_HASHES: dict[tuple[str, int, int, int, int], str] = {}


def assert_same_tree(before: dict[str, Node], after: dict[str, Node]) -> None:
    added = sorted(set(after) - set(before))
    removed = sorted(set(before) - set(after))
    changed = sorted(k for k in set(before) & set(after) if before[k] != after[k])
    assert not (added or removed or changed), {
        "added": added[:10],
        "removed": removed[:10],
        "changed": changed[:10],
    }


# ---------------------------------------------------------------------------
# running pingtai


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str

    @property
    def text(self) -> str:
        return self.stdout + self.stderr

    def clean(self) -> Run:
        """No traceback and no 'internal error' anywhere: the failure modes of a crash."""
        assert TRACEBACK not in self.text, self.text[-3000:]
        assert INTERNAL not in self.text, self.text[-3000:]
        return self


def invoke(*args: str | Path) -> Run:
    """In-process through CliRunner, with PingtaiError mapped to its exit code as cli.main does."""
    result = CliRunner().invoke(cli.app, [str(a) for a in args], env={"COLUMNS": "200"})
    exc = result.exception
    if isinstance(exc, PingtaiError):
        return Run(exc.exit_code, result.stdout, result.stderr + f"错误：{exc}")
    if isinstance(exc, OSError):  # cli.main: a path the system refuses
        return Run(EXIT_USAGE, result.stdout, result.stderr + f"错误：{os_reason(exc)}")
    if exc is not None and not isinstance(exc, SystemExit):
        raise exc  # cli.main would print 内部错误: the test fails with the real traceback
    return Run(result.exit_code, result.stdout, result.stderr)


def run_main(
    *args: str | Path, private: dict[str, Path], timeout: float = 120, **popen: Any
) -> Run:
    """The real entry point in a subprocess: real exit codes, real stderr."""
    env = {
        **os.environ,
        "PINGTAI_CACHE_DIR": str(private["cache"]),
        "TMPDIR": str(private["tmp"]),
        "COLUMNS": "200",
    }
    proc = subprocess.run(
        [sys.executable, "-m", "pingtai_cli", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
        **popen,
    )
    return Run(proc.returncode, proc.stdout, proc.stderr)


def leftovers(*folders: Path) -> list[str]:
    """Temporary files pingtai may leave: .tmp / .pingtai-* / pingtai-* entries, cache temps."""
    found = []
    for folder in folders:
        for p in folder.rglob("*"):
            if p.name.startswith((".pingtai-", "pingtai-", ".tmp-")) or p.name.endswith(".tmp"):
                found.append(str(p))
    return found
