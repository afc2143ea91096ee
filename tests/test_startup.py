"""Start-up stays light: `pingtai --help` and `pingtai rules list` import no PDF, OCR, Excel or Word library.

Asserts the set of imported modules (from `python -X importtime`), not the
time, so the test does not depend on the machine's load. `make bench` times it.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

HEAVY = {
    "pypdfium2", "pdfplumber", "rapidocr_onnxruntime", "onnxruntime", "openpyxl",
    "python_calamine", "docx", "docxtpl", "PIL", "numpy",
}


def imported_modules(*args: str) -> tuple[set[str], subprocess.CompletedProcess[str]]:
    """Every module a fresh `python -m pingtai_cli ARGS` imports, from the -X importtime report."""
    env = {**os.environ, "COLUMNS": "200"}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "pingtai_cli", *args],
        capture_output=True, text=True, timeout=120, env=env,
    )
    modules = set()
    for line in proc.stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            name = line.rsplit("|", 1)[1].strip()
            if name != "imported package":
                modules.add(name)
    return modules, proc


def top_level(modules: set[str]) -> set[str]:
    return {m.split(".")[0] for m in modules}


@pytest.mark.parametrize("args", [("--help",), ("rules", "list"), ("rules", "--help"), ("compare-jurisdictions", "--help")])
def test_start_up_imports_no_pdf_ocr_excel_or_word_library(args):
    modules, proc = imported_modules(*args)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "pingtai_cli.cli" in modules  # the report was read
    assert top_level(modules) & HEAVY == set()


def test_rules_list_reads_headers_without_building_the_pydantic_ruleset_models():
    modules, proc = imported_modules("rules", "list")
    assert proc.returncode == 0 and "shaoguan" in proc.stdout
    assert "pingtai_cli.rules.files" in modules
    assert "pingtai_cli.rules.schema" not in modules


@pytest.mark.parametrize("args", [("--help",), ("rules", "list")])
def test_help_and_rules_list_import_no_pydantic(args):
    """Typer 0.29 builds a pydantic TypeAdapter for every option (~60 ms); pyproject keeps it below."""
    modules, proc = imported_modules(*args)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "pydantic" not in top_level(modules)
