"""A content-hash cache of extraction results, so a scan is read (OCR'd) once.

Entries are JSON files in the user cache dir, keyed by the file's SHA-256 and
the extractor version (intake/cached.py): a changed file or a changed extractor
misses. Writes go through core/files.write_atomic (temp + rename), so concurrent
batch workers never see half a file; a corrupt entry is treated as a miss and
removed. They are not flushed to disk (`durable=False`, ~6 ms saved per entry
on this machine): an entry a power cut tears is unparseable JSON, hence a miss.

Entries hold what applicants' documents say, so they do not stay for ever: an
entry unused for RETENTION_DAYS is removed by the next check (at most one sweep
a day), and `pingtai cache clear` removes them at once.

Why not diskcache (weighed for issue 13, 2026-12; diskcache 5.6.3, JSONDisk):
- concurrency: both are safe for --jobs workers on one machine (SQLite WAL and
  locks there; atomic rename and merge-on-save here). A Dask worker has its own
  cache dir; if several machines share one on NFS, SQLite's locking is unreliable
  (SQLite's own advice), while rename stays atomic.
- size and eviction: diskcache bounds size (LRU-ish culling at 1 GB by default);
  what this cache must bound is age, for privacy: an entry unused for 30 days goes,
  and a hit restarts its clock. diskcache's expiry is fixed at write time (a
  sliding one needs a touch() per hit). No size bound is asked for today.
- corruption: here one bad entry is one miss. A damaged cache.db makes diskcache
  raise sqlite3.DatabaseError ("file is not a database", tried) on open, so every
  call would need wrapping and the whole cache would be lost at once.
- start-up: `import diskcache` costs 25–50 ms here (sqlite3, its recipes module),
  on the path of every check; this module imports only what a check has loaded.
- wheel: 45 KB, pure Python, no release since 2023-08. Speed per entry was within
  the noise of this shared machine for both (a few ms), far below one OCR'd page.
So the hand-written store stays; revisit if a size bound becomes a requirement.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from pingtai_cli.core.files import write_atomic

CACHE_ENV = "PINGTAI_CACHE_DIR"
RETENTION_DAYS = 30  # an entry not used for this long goes at the next daily sweep
SWEEP_STAMP = ".last-sweep"
DAY = 86400.0


class _State(threading.local):
    """Per thread, so that API users reading dossiers in threads keep their own --no-cache."""

    enabled = False
    memory: dict[tuple[str, str], Any] | None = None  # this read's entries, disk cache or not


_state = _State()


def cache_dir() -> Path:
    env = os.environ.get(CACHE_ENV)
    if env:
        return Path(env)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("pingtai", appauthor=False))


@contextlib.contextmanager
def enabled(on: bool = True) -> Iterator[None]:
    """Turn the disk cache on (or off) for the duration of one dossier read.

    Either way, entries put during the read are kept in memory until it ends,
    so the same bytes are never extracted twice in one read (`--no-cache` too).
    """
    before = _state.enabled, _state.memory
    _state.enabled, _state.memory = on, {}
    try:
        yield
    finally:
        _state.enabled, _state.memory = before


def is_enabled() -> bool:
    return _state.enabled


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _path(namespace: str, key: str) -> Path:
    return cache_dir() / namespace / key[:2] / f"{key}.json"


def get(namespace: str, key: str, *, remember: bool = True) -> Any | None:
    """The entry, or None. Without `remember` it is read from disk and not held in the read's
    memory (rendered forms: large, and read once)."""
    memory = _state.memory
    if remember and memory is not None and (namespace, key) in memory:
        return memory[(namespace, key)]
    if not _state.enabled:
        return None
    p = _path(namespace, key)
    try:
        with p.open(encoding="utf-8") as fh:
            value = json.load(fh)
    except FileNotFoundError:
        return None
    except (OSError, ValueError, RecursionError):  # corrupt or unreadable: a miss, and clear it
        with contextlib.suppress(OSError):
            p.unlink()
        return None
    with contextlib.suppress(OSError):  # a read-only or shared cache still serves its entries
        os.utime(p)  # used now: the retention clock starts again
    return value


def has(namespace: str, key: str) -> bool:
    """Whether the disk cache (on) holds the entry: a file there, not yet read (it may still be a
    miss when it is: a damaged entry)."""
    return _state.enabled and _path(namespace, key).is_file()


def put(namespace: str, key: str, value: Any, *, remember: bool = True) -> None:
    """The entry written (atomically) to disk when the cache is on; with `remember`, also held in
    the read's memory, on or off."""
    if remember and _state.memory is not None:
        _state.memory[(namespace, key)] = value
    if not _state.enabled:
        return
    p = _path(namespace, key)

    def dump(tmp: Path) -> None:
        with tmp.open("w", encoding="utf-8") as fh:
            json.dump(value, fh, ensure_ascii=False)

    try:
        p.parent.mkdir(parents=True, exist_ok=True)
        # not flushed to disk: an entry a power cut tears is a miss, read again (see the docstring)
        write_atomic(p, dump, durable=False)
    except OSError:  # a full or read-only cache costs time, never the check
        return


def memo(namespace: str, key: str, compute: Callable[[], Any]) -> Any:
    """The cached value for key, computing and storing it on a miss."""
    hit = get(namespace, key)
    if hit is not None:
        return hit
    value = compute()
    put(namespace, key, value)
    return value


# compiled on first use (re caches them): only a sweep or `cache clear` needs them
_ENTRY_NAME = r"[0-9a-f]{64}\.json|\.[0-9a-f]{64}\.json\.[^/]*\.tmp|\.tmp-[^/]*\.json"
_SHARD_NAME = r"[0-9a-f]{2}"


def _entries(root: Path) -> Iterator[Path]:
    """The files this cache wrote: `<namespace>/<2 hex>/<sha256>.json` and its temporary files
    (`.<sha256>.json.<random>.tmp`, and `.tmp-<random>.json` of versions before 2026-12).

    Nothing else under the cache dir is ever touched, so a PINGTAI_CACHE_DIR pointed at
    the wrong folder by mistake costs nothing.
    """
    for namespace in _subdirs(root):
        for shard in _subdirs(namespace):
            if not re.fullmatch(_SHARD_NAME, shard.name):
                continue
            with contextlib.suppress(OSError):
                for entry in shard.iterdir():
                    if re.fullmatch(_ENTRY_NAME, entry.name) and entry.is_file() and not entry.is_symlink():
                        yield entry


def _subdirs(folder: Path) -> list[Path]:
    try:
        return [p for p in folder.iterdir() if p.is_dir() and not p.is_symlink()]
    except OSError:
        return []


def clear(older_than_days: float | None = None) -> tuple[int, int]:
    """Remove every entry, or those unused for `older_than_days`; returns (files removed, bytes freed)."""
    root = cache_dir()
    cutoff = None if older_than_days is None else time.time() - older_than_days * DAY
    count = size = 0
    for entry in list(_entries(root)):
        with contextlib.suppress(OSError):  # another process may be sweeping too
            st = entry.stat()
            if cutoff is not None and st.st_mtime >= cutoff:
                continue
            entry.unlink()
            count += 1
            size += st.st_size
    for namespace in _subdirs(root):  # the cache's own folders left empty; rmdir refuses others
        shards = [d for d in _subdirs(namespace) if re.fullmatch(_SHARD_NAME, d.name)]
        for shard in shards:
            with contextlib.suppress(OSError):
                shard.rmdir()
        if shards:
            with contextlib.suppress(OSError):
                namespace.rmdir()
    return count, size


def sweep(now: float | None = None) -> tuple[int, int] | None:
    """Remove entries unused for RETENTION_DAYS, at most once a day; None when not due."""
    stamp = cache_dir() / SWEEP_STAMP
    now = time.time() if now is None else now
    try:
        if now - stamp.stat().st_mtime < DAY:
            return None
    except FileNotFoundError:
        pass
    except OSError:
        return None
    try:
        stamp.parent.mkdir(parents=True, exist_ok=True)
        stamp.touch()
        os.utime(stamp, (now, now))
    except OSError:
        return None
    return clear(RETENTION_DAYS)


def stats() -> tuple[int, int]:
    """(entries, bytes) now in the cache."""
    count = size = 0
    for entry in _entries(cache_dir()):
        with contextlib.suppress(OSError):
            size += entry.stat().st_size
            count += 1
    return count, size
