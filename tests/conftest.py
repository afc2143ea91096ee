"""Every test gets its own extraction cache: nothing read in one test (or a faked OCR) leaks into another,
and the suite never reads or writes the user's real cache."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _private_extraction_cache(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PINGTAI_CACHE_DIR", str(tmp_path_factory.mktemp("pingtai-cache")))
