"""Every command has a Python API that works without Typer (issue 13): check one dossier, check a
batch, validate a ruleset, fill forms, init a dossier, compare jurisdictions, and the `rules`
commands (list, show, explain with their Markdown, new, test, schema, keys).

Run in a fresh interpreter where `import typer` fails, so that any import of the CLI layer on
the way (the library logic used to live in cli/commands/) is an ImportError.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "sample_dossiers" / "liaoning_eligible"

SCRIPT = r"""
import json, sys
sys.modules["typer"] = None  # import typer → ImportError
from datetime import date
from pathlib import Path
from pingtai_cli import api
from pingtai_cli.api import rules
from pingtai_cli.outputs.ruleviews import render_explain_markdown, render_show_markdown
from pingtai_cli.rules.files import available
from pingtai_cli.rules.reference import key_rows, schema_text
from pingtai_cli.rules.scaffold import draft_summary

sample, out = Path(sys.argv[1]), Path(sys.argv[2])
when = date(2026, 3, 15)
said = []
one = api.check_dossier(sample, "liaoning", as_of=when, use_cache=False)
batch = api.check_batch([sample, out / "absent"], "liaoning", as_of="2026-03-15", use_cache=False, say=said.append)
valid = api.validate_ruleset(available()["liaoning"])
filled = api.fill_forms([sample], "liaoning", out / "forms", as_of=when, use_cache=False, say=said.append)
made = api.init_dossier(out / "new", "liaoning", as_of=when)
cmp = api.compare_jurisdictions(["national", "liaoning"], dossier=sample, as_of=when)
listed = rules.list_rulesets(as_of=when)
shown = rules.show_ruleset("liaoning", as_of="2026-03-15")
explained = rules.explain_rule("NA-B03", as_of=when)
policy = next(p for p in available()["xuchang"].parent.glob("*.txt"))
drafted = rules.new_ruleset("guangdong", policy, out_dir=out / "drafts")
tested = rules.run_ruleset_cases("liaoning")
print(json.dumps({
    "one": one.verdict,
    "batch": [r.verdict for r in batch.results], "missing": len(batch.missing_paths), "code": batch.exit_code,
    "valid": (valid.problems, valid.ruleset is not None),
    "filled": [p.suffix for p in filled.written], "filled_code": filled.exit_code,
    "made": sorted(p.name for p in made.written),
    "columns": [c.key for c in cmp.columns], "rows": len(cmp.rows),
    "listed": {r["key"]: r["in_force_words"] for r in listed},
    "shown": render_show_markdown(shown).splitlines()[0],
    "explained": render_explain_markdown(explained).splitlines()[0],
    "drafted": [drafted.ruleset_file.is_file(), drafted.cases_file.is_file(), draft_summary(drafted).split("\n")[0]],
    "drafted_test": (lambda t: [t.found, t.total > 0, t.exit_code])(rules.run_ruleset_cases("guangdong", out / "drafts")),
    "tested": [tested.found, tested.total, len(tested.failures), tested.exit_code],
    "schema": json.loads(schema_text())["title"], "keys": len(key_rows([])["facts"]) > 0,
    "typer": "typer" in sys.modules and sys.modules["typer"] is not None,
    "said": said,
}, ensure_ascii=False))
"""


def test_every_command_has_an_api_that_runs_without_typer(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(SAMPLE), str(tmp_path)],
        capture_output=True, text=True, timeout=600, cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr
    got = json.loads(proc.stdout.splitlines()[-1])
    assert got["one"] == "eligible"
    assert got["batch"] == ["eligible"] and got["missing"] == 1 and got["code"] == 2
    assert got["valid"] == [[], True]
    assert ".docx" in got["filled"] and got["filled_code"] == 0
    assert "申请表.xlsx" in got["made"]
    assert got["columns"] == ["national", "liaoning"] and got["rows"] > 0
    assert got["listed"]["liaoning"].startswith("现行") and "national" in got["listed"]
    assert got["shown"].startswith("# ") and "（liaoning）" in got["shown"]
    assert got["explained"].startswith("# NA-B03 ")
    assert got["drafted"][:2] == [True, True] and got["drafted"][2].startswith("已起草 ")
    assert got["drafted_test"][0] and got["drafted_test"][1]
    assert got["tested"][0] and got["tested"][1] > 0 and got["tested"][2:] == [0, 0]
    assert got["schema"] == "pingtai 认定办法规则文件" and got["keys"]
    assert not got["typer"]
    assert any("路径不存在" in line for line in got["said"])
