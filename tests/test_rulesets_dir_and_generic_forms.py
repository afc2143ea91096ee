"""Every command that takes -j takes --rulesets-dir; a jurisdiction without templates gets generic
forms from its ruleset, and fill-forms says so — it never writes nothing and exits 0 (issue 15)."""

from __future__ import annotations

import shutil
from pathlib import Path

import typer.main
from docx import Document

from cli_helpers import invoke, ok
from jurisdictions import policy_file
from pingtai_cli import cli

SAMPLES = Path(__file__).parents[1] / "sample_dossiers"


def commands(group, prefix: str = "") -> dict:
    out = {}
    for name, cmd in group.commands.items():
        if hasattr(cmd, "commands"):  # a group
            out.update(commands(cmd, f"{prefix}{name} "))
        else:
            out[f"{prefix}{name}"] = cmd
    return out


def test_every_command_that_takes_a_jurisdiction_takes_rulesets_dir():
    cli._register()
    found = commands(typer.main.get_command(cli.app))
    with_j = {name: cmd for name, cmd in found.items() if any("-j" in p.opts for p in cmd.params)}
    assert {"check", "init", "fill-forms", "templates vars", "rules keys"} <= set(with_j)
    lacking = [name for name, cmd in with_j.items() if not any("--rulesets-dir" in p.opts for p in cmd.params)]
    assert lacking == []


def test_fill_forms_for_a_text_without_forms_writes_generic_forms_and_says_so(tmp_path: Path):
    out = tmp_path / "out"
    result = invoke("fill-forms", str(SAMPLES / "shaoguan_comprehensive_only"), "-j", "shaoguan", "-o", str(out))
    assert result.exit_code == 0, result.output
    folder = out / "shaoguan_comprehensive_only"
    assert sorted(p.name for p in folder.iterdir()) == sorted(["推荐表（通用格式）.docx", "申请表（通用格式）.docx", "材料清单.md", "审核意见表.docx"])
    assert "通用格式" in result.stderr and "没有可用的表格模板" in result.stderr
    doc = Document(str(folder / "推荐表（通用格式）.docx"))
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    assert "韶关市武江区中小企业服务中心" in cells and "第七条（三）" in cells and "200平方米 满足" in cells
    again = invoke("fill-forms", str(SAMPLES / "shaoguan_comprehensive_only"), "-j", "shaoguan", "-o", str(out))
    assert again.exit_code == 2 and "--force" in str(again.exception)


def test_fill_forms_and_templates_vars_find_a_users_drafted_jurisdiction(tmp_path: Path):
    rules = tmp_path / "rules"
    text = policy_file("xuchang")
    ok("rules", "new", "mycity", "--text", str(text), "--dir", str(rules))
    assert "许昌市的表格模板" in ok("templates", "vars", "-j", "mycity", "--rulesets-dir", str(rules))
    dossier = tmp_path / "dossier"
    shutil.copytree(SAMPLES / "xuchang_comprehensive", dossier)
    result = invoke("fill-forms", str(dossier), "-j", "mycity", "--rulesets-dir", str(rules), "-o", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    written = sorted(p.name for p in (tmp_path / "out" / "dossier").iterdir())
    assert "推荐表（通用格式）.docx" in written and "材料清单.md" in written
