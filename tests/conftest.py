"""Every test gets its own extraction cache: nothing read in one test (or a faked OCR) leaks into another,
and the suite never reads or writes the user's real cache.

A module that builds one intake for all its tests may give them one cache of its own
(samples.cache_dir_env in a module fixture); the per-test cache then leaves it alone.

The other exception is opt-in: a test that only READS the committed samples with the real readers
(no faked OCR, no edited copy that matters) may ask for `shared_sample_cache`, one cache dir for the
whole session and every xdist worker, so that a scanned sample is OCR'd once per run instead of once
per test file. Tests of the cache or of extraction itself keep their private cache.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest


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
