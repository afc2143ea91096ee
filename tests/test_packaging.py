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


@pytest.mark.slow
def test_the_wheel_carries_every_shipped_ruleset_and_its_cases(wheel: zipfile.ZipFile) -> None:
    names = set(wheel.namelist())
    shipped = sorted(p for p in (ROOT / "rulesets").rglob("*") if p.is_file())
    assert {p.name for p in shipped} >= {"ruleset.yaml", "cases.yaml", "README.md"}
    for src in shipped:  # each jurisdiction's folder whole: ruleset, cases, policy text, readings
        rel = src.relative_to(ROOT / "rulesets").as_posix()
        assert f"pingtai_cli/_data/rulesets/{rel}" in names


@pytest.mark.slow
def test_the_wheel_carries_templates_policies_schema_and_py_typed(wheel: zipfile.ZipFile) -> None:
    names = set(wheel.namelist())
    for src in sorted((ROOT / "templates").rglob("*.docx")):
        assert f"pingtai_cli/_data/templates/{src.relative_to(ROOT / 'templates').as_posix()}" in names
    assert "pingtai_cli/schemas/check.schema.json" in names
    assert "pingtai_cli/py.typed" in names
    from pingtai_cli import vocab

    for name in vocab.FILES:  # the vocabulary: fact keys, lists, functions, materials, …
        assert f"pingtai_cli/vocab/{name}" in names
    assert "pingtai_cli/schemas/ruleset.schema.json" in names  # `pingtai rules schema`, for editors
    assert "pingtai_cli/drafting.yaml" in names  # `pingtai rules new`'s vocabulary


@pytest.mark.slow
def test_the_wheel_declares_the_console_script(wheel: zipfile.ZipFile) -> None:
    entry = next(n for n in wheel.namelist() if n.endswith("entry_points.txt"))
    assert "pingtai = pingtai_cli.__main__:main" in wheel.read(entry).decode()


def test_the_readme_lists_every_fact_key_pingtai_adds_to_the_contract() -> None:
    from pingtai_cli import vocab

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    section = readme.split("## 契约的扩展", 1)[1].split("\n## ", 1)[0]
    missing = [fk.key for fk in vocab.get().facts.values() if fk.extra and f"| `{fk.key}` |" not in section]
    assert missing == []


@pytest.mark.slow
def test_a_batch_run_from_the_installed_wheel_reports_every_dossier_once(
    wheel: zipfile.ZipFile, tmp_path: Path
) -> None:
    """The lost -q results depended on how pingtai was installed (timing, not code): the same
    batch from the plain wheel, in a fresh process, reports the corrupt zip and every good one."""
    import json
    import shutil

    site = tmp_path / "site"
    wheel.extractall(site)
    intake = tmp_path / "收件"
    intake.mkdir()
    for name in ("a", "b"):
        shutil.copytree(ROOT / "sample_dossiers" / "liaoning_eligible", intake / name)
    (intake / "zz.zip").write_bytes(b"PK\x03\x04 broken")
    (intake / "说明.txt").write_text("x", encoding="utf-8")
    code = (
        "import sys; sys.path.insert(0, sys.argv.pop(1)); import pingtai_cli;"
        "assert pingtai_cli.__file__.startswith(sys.path[0]), pingtai_cli.__file__;"
        "from pingtai_cli.cli import main; sys.argv[0] = 'pingtai'; main()"
    )
    for jobs in ("1", "2"):
        cmd = [sys.executable, "-c", code, str(site), "check", str(intake), "-j", "liaoning",
               "--as-of", "2026-03-15", "-f", "json", "-q", "--jobs", jobs]  # fmt: skip
        env = {"PINGTAI_CACHE_DIR": str(tmp_path / "cache"), "PATH": "/usr/bin:/bin"}
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=300, env=env)
        assert proc.returncode == 1, proc.stderr
        names = sorted(Path(r["dossier"]).name for r in json.loads(proc.stdout))
        assert names == ["a", "b", "zz.zip"] and "意外退出" not in proc.stdout


def test_the_installed_wheel_finds_each_jurisdictions_folder(wheel: zipfile.ZipFile, tmp_path: Path) -> None:
    """Listed in the derived order, its text quoted by `rules explain`, its cases run by `rules test`:
    the data paths resolve inside the installed package, not the checkout."""
    import json

    site = tmp_path / "site"
    wheel.extractall(site)
    code = (
        "import sys; sys.path.insert(0, sys.argv.pop(1)); import pingtai_cli;"
        "assert pingtai_cli.__file__.startswith(sys.path[0]), pingtai_cli.__file__;"
        "from pingtai_cli.cli import main; sys.argv[0] = 'pingtai'; main()"
    )
    env = {"PINGTAI_CACHE_DIR": str(tmp_path / "cache"), "PATH": "/usr/bin:/bin"}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        cmd = [sys.executable, "-c", code, str(site), *args]
        return subprocess.run(cmd, capture_output=True, text=True, timeout=120, env=env, cwd=tmp_path)

    listed = json.loads(run("rules", "list", "-f", "json").stdout)
    folders = sorted(p.parent.name for p in (ROOT / "rulesets").glob("*/ruleset.yaml"))
    assert sorted(r["key"] for r in listed) == folders and listed[0]["level"] == "national"
    assert all(r["shipped"] and "/_data/rulesets/" in r["file"] for r in listed)
    first = listed[0]["key"]
    explained = run("rules", "explain", f"{json.loads(run('rules', 'show', first, '-f', 'json').stdout)['basic'][0]['code']}")
    assert explained.returncode == 0 and "原文（" in explained.stdout, explained.stdout + explained.stderr
    tested = run("rules", "test", first)
    assert tested.returncode == 0 and "不通过 0 条" in tested.stdout, tested.stdout + tested.stderr
