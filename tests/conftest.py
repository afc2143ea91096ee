"""Every test gets its own extraction cache: nothing read in one test (or a faked OCR) leaks into another,
and the suite never reads or writes the user's real cache.

A module that builds one intake for all its tests may give them one cache of its own
(samples.cache_dir_env in a module fixture); the per-test cache then leaves it alone.

The other exception is opt-in: a test that only READS the committed samples with the real readers
(no faked OCR, no edited copy that matters) may ask for `shared_sample_cache`, one cache dir for the
whole session and every xdist worker, so that a scanned sample is OCR'd once per run instead of once
per test file. Tests of the cache or of extraction itself keep their private cache.

Below the extraction cache, the OCR engine itself answers once per distinct page per run
(`_run_wide_ocr`): what a page's pixels read as is the engine's fixed answer, so a second test
reading the same page gets that answer without running the engine again.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

# Under -n, xdist hands out whole files (--dist loadfile) in the order collected
# (--no-loadscope-reorder, both in pyproject): the files that take longest go first, so that
# what is left when the queue runs dry is short files and the two workers end together. By
# default xdist sent the files with the fewest tests last, and those were the slow ones (the
# scans, the Dask cluster, the memory peaks, the sixth jurisdiction): one worker still had
# 20 s of them queued when the other was done. Seconds per file measured in a run on 2 cores;
# a file missing here only costs time, it runs after these in collection order.
LONGEST_FIRST = (
    "tests/hostile/test_hostile_round_two.py",  # 33 s
    "tests/hostile/test_hostile_commands.py",  # 32 s
    "tests/test_scans.py",  # 23 s
    "tests/test_e2e_samples.py",  # 22 s
    "tests/test_forms.py",  # 17 s
    "tests/test_batch.py",  # 16 s
    "tests/test_distributed.py",  # 16 s
    "tests/hostile/test_hostile_guarantees.py",  # 14 s
    "tests/test_intake_forms.py",  # 11 s
    "tests/test_cache.py",  # 10 s
    "tests/hostile/test_hostile_memory.py",  # 7 s
    "tests/test_forms_selection.py",  # 6 s
    "tests/test_pdf.py",  # 5 s
    "tests/test_sixth_jurisdiction.py",  # 5 s
    "tests/test_startup.py",  # 5 s
    "tests/test_cli_rules.py",  # 5 s
    "tests/test_tables.py",  # 5 s
    "tests/test_samples_build.py",  # 5 s
    "tests/test_figures_as_dated.py",  # 5 s
    "tests/test_init.py",  # 4 s
    "tests/test_packaging.py",  # 4 s
    "tests/test_values_as_written.py",  # 4 s
    "tests/hostile/test_hostile_read.py",  # 3 s
    "tests/test_cli_check.py",  # 3 s
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The files of LONGEST_FIRST first, in its order; each file's tests stay together in order."""
    rank = {path: i for i, path in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.nodeid.split("::", 1)[0], len(rank)))


def _run_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """This run's temp root: under xdist each worker's basetemp is <run>/popen-gwN."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


@pytest.fixture(autouse=True)
def _private_extraction_cache(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A fresh cache per test, unless a module fixture of this run chose one for its tests.

    A module that builds one intake for all its tests (samples.cache_dir_env) means them to share
    its cache: overriding it here made every test read the intake's scans again. A cache dir inside
    this run's temp root can only have been set by such a fixture (never the user's real cache).
    """
    chosen = os.environ.get("PINGTAI_CACHE_DIR")
    if chosen and Path(chosen).resolve().is_relative_to(_run_root(tmp_path_factory).resolve()):
        return
    monkeypatch.setenv("PINGTAI_CACHE_DIR", str(tmp_path_factory.mktemp("pingtai-cache")))


@pytest.fixture
def shared_sample_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The session's shared extraction cache, for tests that only read the committed samples.

    Under xdist each worker's basetemp is <run>/popen-gwN, so <run> is common to the workers of
    this run only (and left to pytest's basetemp retention); without xdist it is the basetemp.
    Entries are keyed by content and extractor version, so a hit is exactly what a fresh read of
    those bytes gives (test_cache pins cached == uncached, a real scan included).
    """
    path = _run_root(tmp_path_factory) / "shared-sample-cache"
    path.mkdir(exist_ok=True)
    monkeypatch.setenv("PINGTAI_CACHE_DIR", str(path))
    return path


# ---------------------------------------------------------------------------
# one OCR engine run per distinct image per test run


class _RunWideOcr:
    """Stands in for the RapidOCR engine in this test process (and the batch workers it forks).

    The engine's answer for the same pixels is deterministic, yet the suite OCR'd the same page
    again in many tests (each test has its own extraction cache, on purpose). Here the first run
    of a page is real and its answer — the text boxes and what the direction classifier said of
    each line crop (ocr._directions, read by page_turn) — is kept on disk under this run's temp
    root, keyed by the exact pixels handed to the engine; a later run of those pixels, in any test
    or xdist worker, replays it. Everything above the engine call (red removal, turning, deskew,
    page budgets, the extraction cache, its counters) runs as before; only the engine is spared.
    A per-key lock lets a second worker wanting the same page wait for the first instead of
    OCRing it beside it on the same two cores. Tests that replace `ocr.engine` themselves
    (test_samples_build counts its runs) replace this too; subprocess runs use the real engine.
    """

    def __init__(self, root: Path, real: object) -> None:
        self.root = root
        self.real = real

    def __call__(self) -> object:
        return self.run

    def run(self, bgr: Any) -> Any:
        import hashlib
        import pickle

        from pingtai_cli.intake.sources import ocr

        digest = hashlib.sha256(repr((bgr.shape, str(bgr.dtype))).encode())
        digest.update(memoryview(bgr).cast("B"))
        path = self.root / f"{digest.hexdigest()}.pickle"
        with _held(self.root / f"{path.stem}.lock"):
            if path.exists():
                result, elapse, directions = pickle.loads(path.read_bytes())
                ocr._directions.extend(directions)
                return result, elapse
            result, elapse = self.real()(bgr)  # type: ignore[operator]
            part = path.with_suffix(f".{os.getpid()}.part")
            part.write_bytes(pickle.dumps((result, elapse, list(ocr._directions))))
            part.replace(path)
            return result, elapse


@contextmanager
def _held(lock: Path) -> Iterator[None]:
    """An exclusive lock on `lock` across processes; without fcntl (Windows) none: the cost is a
    page OCR'd twice at the same time, never a different answer."""
    try:
        import fcntl
    except ImportError:
        yield
        return
    with lock.open("a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


@pytest.fixture(scope="session", autouse=True)
def _run_wide_ocr(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    from pingtai_cli.intake.sources import ocr

    root = _run_root(tmp_path_factory) / "ocr-engine-runs"
    root.mkdir(exist_ok=True)
    mp = pytest.MonkeyPatch()
    mp.setattr(ocr, "engine", _RunWideOcr(root, ocr.engine))
    yield
    mp.undo()
