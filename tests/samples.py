"""The committed sample dossiers and their hand-written expectations, for every test that uses them.

A sample whose documents include a scan or a photo is read by the real OCR engine (seconds per
sample); `sample_param` marks its cases `slow`, so `pytest -m "not slow"` keeps the text samples.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "sample_dossiers"
EXPECTED: dict[str, Any] = yaml.safe_load((SAMPLES / "expected.yaml").read_text(encoding="utf-8"))
PHOTO_SUFFIXES = {".jpg", ".jpeg", ".png"}


def read_by_ocr(name: str) -> bool:
    """Whether expected.yaml says a document of sample `name` is a scan or a photo."""
    documents = EXPECTED["samples"][name].get("documents") or {}
    return any(
        doc.get("scanned") or Path(str(doc.get("file", ""))).suffix.lower() in PHOTO_SUFFIXES
        for doc in documents.values()
        if isinstance(doc, dict)
    )


def sample_param(name: str, *rest: Any, id: str | None = None) -> Any:
    """A pytest.param for a case of sample `name`, marked slow when reading it runs OCR."""
    marks = [pytest.mark.slow] if read_by_ocr(name) else []
    return pytest.param(name, *rest, id=id, marks=marks)


@contextmanager
def first_reader(name: str) -> Iterator[None]:
    """Held while sample `name` (its folder or zip name, or its expected.yaml name) is read through the shared sample cache (conftest.py), so that a
    second xdist worker wanting the same sample waits and then hits the cache instead of OCRing
    it at the same time. Without fcntl (Windows) it is a no-op: the cost is time, never a result."""
    try:
        import fcntl
    except ImportError:
        yield
        return
    root = Path(os.environ["PINGTAI_CACHE_DIR"])
    root.mkdir(parents=True, exist_ok=True)
    stem = Path(name).name.removesuffix(".zip")
    with (root / f".reading-{stem}.lock").open("a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def warm_samples(paths: list[Path]) -> None:
    """Read each sample once into the shared sample cache (each under its first_reader lock)."""
    from pingtai_cli.api import read_dossier

    for path in paths:
        with first_reader(path.name):
            read_dossier(path)


# ---------------------------------------------------------------------------
# intakes: folders of dossiers as a bureau receives them

BROKEN_ZIP = b"PK\x03\x04 this is not really a zip"


def make_intake(folder: Path, members: dict[str, str | bytes]) -> Path:
    """An intake folder: each name is a copy of the sample named by a str value (folder or zip),
    or a file holding a bytes value (a broken zip, a stray note). Returns `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, what in members.items():
        if isinstance(what, bytes):
            (folder / name).write_bytes(what)
        elif (SAMPLES / what).is_dir():
            shutil.copytree(SAMPLES / what, folder / name)
        else:
            shutil.copyfile(SAMPLES / what, folder / name)
    return folder


@contextmanager
def cache_dir_env(path: Path) -> Iterator[Path]:
    """PINGTAI_CACHE_DIR set to `path` for a module-scoped fixture (batch workers inherit it)."""
    mp = pytest.MonkeyPatch()
    mp.setenv("PINGTAI_CACHE_DIR", str(path))
    try:
        yield path
    finally:
        mp.undo()
