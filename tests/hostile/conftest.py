"""Fixtures of the hostile suite: the corpus (built once), a private cache, untouched inputs.

In-process runs share one read of each dossier (`read_once`), so rendering
every format costs no second read; the subprocess runs read for real.
"""

from __future__ import annotations

import copy
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hostile_corpus import Corpus, build_corpus, unlock_corpus
from hostile_helpers import assert_same_tree, snapshot

from pingtai_cli.core.errors import PingtaiError

# ---------------------------------------------------------------------------
# the corpus and a private cache


@pytest.fixture(scope="session")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Corpus]:
    """Built under this session's (this xdist worker's) basetemp, which pytest's retention
    removes in a later session: the 10,000-file tree costs no teardown here."""
    built = build_corpus(tmp_path_factory.mktemp("hostile"))
    yield built
    unlock_corpus(built)


@pytest.fixture(scope="session")
def private_dirs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A cache dir and a TMPDIR of our own, so leftovers can be counted."""
    base = tmp_path_factory.mktemp("private")
    dirs = {"cache": base / "cache", "tmp": base / "tmp"}
    for d in dirs.values():
        d.mkdir()
    return dirs


@pytest.fixture(autouse=True)
def _private_env(private_dirs: dict[str, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    """In-process runs use the private cache and temp dirs too (forked workers inherit them)."""
    monkeypatch.setenv("PINGTAI_CACHE_DIR", str(private_dirs["cache"]))
    monkeypatch.setattr(tempfile, "tempdir", str(private_dirs["tmp"]))


# ---------------------------------------------------------------------------
# the input tree must not change


@pytest.fixture
def untouched(corpus: Corpus) -> Iterator[None]:
    """The corpus tree (names, sizes, modes, mtimes, ctimes, hashes) is the same after the test,
    and the temp dir is empty again."""
    before = snapshot(corpus.root)
    yield
    assert_same_tree(before, snapshot(corpus.root))
    assert os.listdir(tempfile.gettempdir()) == []  # the private one, see _private_env


# ---------------------------------------------------------------------------
# one read per dossier for in-process runs


_READS: dict[tuple[str, Any], Any] = {}


@pytest.fixture
def read_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each dossier is read once per session by in-process runs (and batches run in-process).

    The subprocess tests read for real, and the batch pool is tested there and
    in the timeout test; here the subject is what every command makes of the
    result.
    """
    from pingtai_cli.api import batch
    from pingtai_cli.intake import dossier

    real = dossier.read_dossier

    def read(path: Path, *, limits: Any = None) -> Any:
        key = (str(path), limits)
        if key not in _READS:
            try:
                _READS[key] = real(path, limits=limits)
            except PingtaiError as e:
                _READS[key] = e
        got = _READS[key]
        if isinstance(got, PingtaiError):
            raise got
        return copy.deepcopy(got)

    def in_process(paths: list[Path], job: Any, progress: Any, **_: Any) -> Iterator[Any]:
        for i, p in enumerate(paths):
            yield i, batch._safe_check(p, job)

    monkeypatch.setattr(dossier, "read_dossier", read)
    monkeypatch.setattr(batch, "_pool", in_process)
