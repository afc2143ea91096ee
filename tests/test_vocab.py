"""The vocabulary is data (issue 13 item 1): declared once in pingtai_cli/vocab/*.yaml, every consumer
derived from it. A seventh service function is a YAML entry: read, evaluated, reported and asked by
`init` without a code edit. README's tables are generated from it. Loading it stays off `--help`."""

from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from cli_helpers import invoke, ok
from pingtai_cli import vocab
from test_rules_meaning import TEXT, write
from test_rules_meaning import ruleset as base_ruleset

ROOT = Path(__file__).resolve().parents[1]

LEGAL = {"key": "legal_consultations", "label": "法律咨询年服务次数", "unit": "次"}
SEVENTH = """
legal:
  label: 法律服务
  stems: [法律]
"""


def seventh_vocabulary(tmp_path: Path) -> Path:
    """The package's vocabulary folder, copied, with a seventh function appended to functions.yaml."""
    folder = tmp_path / "vocab"
    shutil.copytree(vocab.DIRECTORY, folder, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    with (folder / "functions.yaml").open("a", encoding="utf-8") as fh:
        fh.write(SEVENTH)
    return folder


def legal_ruleset(tmp_path: Path) -> Path:
    """A ruleset whose second function is the seventh one, tested on a fact the ruleset declares."""
    data = base_ruleset("legal")
    data["facts"] = [LEGAL]
    data["functions"]["items"].append(
        {"function": "legal", "name": "法律服务", "article": "第八条（二）", "quote": "年提供法律咨询服务10次以上",
         "rules": [{"code": "TS-F02", "name": "function.legal.consultations", "title": "年法律咨询10次以上",
                    "article": "第八条（二）", "quote": "年提供法律咨询服务10次以上", "check": "threshold",
                    "field": "legal_consultations", "value": 10, "unit": "次"}]})
    rules = tmp_path / "rules"
    rules.mkdir()
    text = TEXT.replace("第十二条", "（二）法律服务。年提供法律咨询服务10次以上。\n第十二条")
    return write(rules, data, text=text)


def form_rows(folder: Path) -> dict[str, int]:
    ws = openpyxl.load_workbook(folder / "申请表.xlsx")["基本信息"]
    return {str(ws.cell(r, 1).value): r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value}


def fill(folder: Path, values: dict[str, Any]) -> None:
    wb = openpyxl.load_workbook(folder / "申请表.xlsx")
    rows = form_rows(folder)
    for label, value in values.items():
        wb["基本信息"].cell(rows[label], 2).value = value
    wb.save(folder / "申请表.xlsx")


def test_a_seventh_function_is_a_yaml_entry_read_evaluated_reported_and_asked_by_init(tmp_path: Path):
    path = legal_ruleset(tmp_path)
    rules = str(path.parent)
    refused = invoke("rules", "validate", str(path))  # the package's six functions: legal is unknown
    assert refused.exit_code == 2 and "legal" in refused.output and "information" in refused.output

    with vocab.use(seventh_vocabulary(tmp_path)) as v:
        assert list(v.functions)[-1] == "legal"
        assert "有效" in ok("rules", "validate", str(path))
        from pingtai_cli.vocab import function_of as normalise_function

        assert normalise_function("法律服务功能") == "legal"

        folder = tmp_path / "申报"
        ok("init", str(folder), "-j", "legal", "--rulesets-dir", rules, "--as-of", "2026-03-15")
        rows = form_rows(folder)
        assert any("法律服务" in label for label in rows)  # its own section, （二）法律服务（第八条（二））
        assert "法律咨询年服务次数" in rows
        ws = openpyxl.load_workbook(folder / "申请表.xlsx")["基本信息"]
        assert "法律" in str(ws.cell(rows["申报服务功能"], 3).value)  # the hint lists it

        fill(folder, {"申报服务功能": "法律服务", "法律咨询年服务次数": "12次", "资产总额": "30万元"})
        res = invoke("check", str(folder), "-j", "legal", "--rulesets-dir", rules, "--as-of", "2026-03-15",
                     "-f", "json")
        data = json.loads(res.output)
        items = {i["function"]: i for i in data["functions"]["items"]}
        assert items["legal"]["status"] == "pass" and items["legal"]["name"] == "法律服务"
        assert items["legal"]["declared"] is True and items["information"]["status"] == "not_declared"
        assert data["functions"]["met"] == 1
        text = invoke("check", str(folder), "-j", "legal", "--rulesets-dir", rules, "--as-of", "2026-03-15").output
        assert "法律服务" in text

        compared = ok("compare-jurisdictions", "legal", "national", "--rulesets-dir", rules)
        assert "法律服务" in compared  # ordered after the six, by the vocabulary


def test_the_vocabulary_in_use_returns_after_the_block(tmp_path: Path):
    with vocab.use(seventh_vocabulary(tmp_path)):
        assert "legal" in vocab.get().functions
    assert "legal" not in vocab.get().functions


def test_a_malformed_vocabulary_file_is_named(tmp_path: Path):
    folder = seventh_vocabulary(tmp_path)
    (folder / "facts.yaml").write_text("form:\n  org_name:\n    labels: [单位名称]\n    kind: colour\n", encoding="utf-8")
    with pytest.raises(vocab.VocabularyError, match="facts.yaml org_name"):
        vocab.load(folder)


# ---------------------------------------------------------------- the vocabulary holds together


def test_derived_inputs_short_labels_and_shown_facts_name_keys_of_the_vocabulary():
    v = vocab.get()
    keys = set(v.facts) | set(v.derived) | set(v.documents)
    assert [i for d in v.derived.values() for i in d.inputs or () if i not in v.facts] == []
    assert [s for m in v.materials.values() for s in m.shows if s not in keys] == []
    assert [m.sheet for m in v.materials.values() if m.sheet and m.sheet not in v.list_sheets] == []


def test_every_suggested_file_name_is_recognised_as_its_material():
    from pingtai_cli.intake.materials import classify_name

    for key, m in vocab.get().materials.items():
        if m.stem:
            assert key in [k for k, _ in classify_name(f"03{m.stem}2025.pdf")], key


def _sync_vocab():
    spec = importlib.util.spec_from_file_location("sync_vocab", ROOT / "scripts" / "sync_vocab.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_check_schema_names_the_vocabularys_functions():
    path = ROOT / "src" / "pingtai_cli" / "schemas" / "check.schema.json"
    text = path.read_text("utf-8")
    assert _sync_vocab().render_schema(text, vocab.get()) == text, "run .venv/bin/python scripts/sync_vocab.py"
    assert json.loads(text)["$defs"]["function"]["properties"]["function"]["enum"] == list(vocab.get().functions)


def test_a_new_function_in_the_vocabulary_is_written_into_the_schema():
    import dataclasses

    v = vocab.get()
    seventh = dataclasses.replace(v.functions["training"], key="testing", label="检验检测服务")
    grown = dataclasses.replace(v, functions={**v.functions, "testing": seventh})
    path = ROOT / "src" / "pingtai_cli" / "schemas" / "check.schema.json"
    schema = json.loads(_sync_vocab().render_schema(path.read_text("utf-8"), grown))
    assert schema["$defs"]["function"]["properties"]["function"]["enum"][-1] == "testing"


def test_validity_kinds_each_have_a_check():
    from pingtai_cli.engine.materials_check import VALIDITY

    assert set(VALIDITY) == set(vocab.get().validity)


# ---------------------------------------------------------------- the partner list's agreement date


def test_init_writes_the_partner_agreement_date_the_reader_reads(tmp_path: Path):
    # partners.agreement_date was read but never written by init nor printed by the forms (issue 13)
    from pingtai_cli.core.models import Dossier
    from pingtai_cli.intake.sources.excel import read_workbook
    from pingtai_cli.outputs.forms.render import form_context

    folder = tmp_path / "d"
    ok("init", str(folder), "-j", "national", "--as-of", "2026-03-15")
    wb = openpyxl.load_workbook(folder / "申请表.xlsx")
    headers = [c.value for c in wb["合作单位"][1]]
    assert headers == ["合作单位名称", "合作内容", "签订时间"]
    wb["合作单位"].append(["许昌学院", "人才培训", "2023年5月"])
    wb.save(folder / "申请表.xlsx")
    result = read_workbook((folder / "申请表.xlsx").read_bytes(), "申请表.xlsx")
    assert result.lists["partners"] == [{"name": "许昌学院", "content": "人才培训", "agreement_date": "2023年5月"}]
    dossier = Dossier(path=str(folder), lists=dict(result.lists))
    assert form_context(dossier)["partners"][0]["agreement_date"] == "2023年5月"


# ---------------------------------------------------------------- README and start-up


def test_readme_tables_are_generated_from_the_vocabulary():
    module = _sync_vocab()
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert module.render(text, vocab.get()) == text, "README is stale: run .venv/bin/python scripts/sync_vocab.py"
    for key in ("authority_endorsed", "financing", "local_tax_proof"):
        assert f"| `{key}` |" in text


def test_help_does_not_import_the_vocabulary():
    code = (
        "import sys\n"
        "from pingtai_cli.cli import main\n"
        "sys.argv = ['pingtai', '--help']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print('VOCAB', 'pingtai_cli.vocab' in sys.modules, 'yaml' in sys.modules)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert "VOCAB False" in proc.stdout, proc.stdout[-500:] + proc.stderr[-2000:]


# ---------------------------------------------------------------- the parsed files kept as JSON


@pytest.fixture
def record(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    target = tmp_path / "vocab-parsed.json"
    monkeypatch.setattr(vocab, "RECORD", target)
    return target


def _relabel(record: Path, **changes: Any) -> None:
    data = json.loads(record.read_text(encoding="utf-8"))
    data["raw"]["functions.yaml"]["financing"]["label"] = "改过的标签"
    data.update(changes)
    record.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def test_the_package_vocabulary_read_from_its_record_equals_the_one_read_from_yaml(record: Path):
    first = vocab.load()
    assert record.is_file()
    assert vocab.load() == first
    _relabel(record)  # the record is what a second load reads
    assert vocab.load().functions["financing"].label == "改过的标签"


def test_a_stale_or_torn_vocabulary_record_is_not_read(record: Path):
    label = vocab.load().functions["financing"].label
    _relabel(record, digest="0" * 64)  # as if a file had changed since
    assert vocab.load().functions["financing"].label == label
    record.write_bytes(record.read_bytes()[:500])
    assert vocab.load().functions["financing"].label == label


def test_another_folder_never_uses_or_writes_the_record(record: Path, tmp_path: Path):
    folder = tmp_path / "vocab"
    shutil.copytree(vocab.DIRECTORY, folder, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    assert vocab.load(folder) == vocab.load(folder) and not record.exists()
