"""The wheel ships rulesets, templates, policy texts and the JSON schema: an install elsewhere finds them."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> zipfile.ZipFile:
    pytest.importorskip("hatchling")
    out = tmp_path_factory.mktemp("wheel")
    cmd = [sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "--no-build-isolation", "-q", "-w", str(out)]
    subprocess.run(cmd, check=True, capture_output=True, timeout=300)
    return zipfile.ZipFile(next(out.glob("pingtai-*.whl")))


def test_the_wheel_carries_every_shipped_ruleset_and_its_cases(wheel: zipfile.ZipFile) -> None:
    names = set(wheel.namelist())
    for src in sorted((ROOT / "rulesets").rglob("*.yaml")):
        rel = src.relative_to(ROOT / "rulesets").as_posix()
        assert f"pingtai_cli/_data/rulesets/{rel}" in names


def test_the_wheel_carries_templates_policies_schema_and_py_typed(wheel: zipfile.ZipFile) -> None:
    names = set(wheel.namelist())
    for src in sorted((ROOT / "templates").rglob("*.docx")):
        assert f"pingtai_cli/_data/templates/{src.relative_to(ROOT / 'templates').as_posix()}" in names
    for src in sorted((ROOT / "policies").glob("*.txt")):
        assert f"pingtai_cli/_data/policies/{src.name}" in names
    assert "pingtai_cli/schemas/check.schema.json" in names
    assert "pingtai_cli/py.typed" in names
    assert "pingtai_cli/materials.yaml" in names
    assert "pingtai_cli/schemas/ruleset.schema.json" in names  # `pingtai rules schema`, for editors
    assert "pingtai_cli/drafting.yaml" in names  # `pingtai rules new`'s vocabulary


def test_the_wheel_declares_the_console_script(wheel: zipfile.ZipFile) -> None:
    entry = next(n for n in wheel.namelist() if n.endswith("entry_points.txt"))
    assert "pingtai = pingtai_cli.cli:main" in wheel.read(entry).decode()


def test_the_readme_lists_every_fact_key_pingtai_adds_to_the_contract() -> None:
    from pingtai_cli.factkeys import FACT_KEYS

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    section = readme.split("## 契约的扩展", 1)[1].split("\n## ", 1)[0]
    missing = [fk.key for fk in FACT_KEYS if fk.extra and f"| `{fk.key}` |" not in section]
    assert missing == []
