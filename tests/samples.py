"""The committed sample dossiers and their hand-written expectations, for every test that uses them.

A sample whose documents include a scan or a photo is read by the real OCR engine (seconds per
sample); `sample_param` marks its cases `slow`, so `pytest -m "not slow"` keeps the text samples.
"""

from __future__ import annotations

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
