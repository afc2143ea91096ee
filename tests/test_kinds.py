"""The check kinds are a registry: one module each, documented under fixed headings, its example run.

As sqlfluff runs every rule's pass/fail fixtures and ruff prints every rule's documentation, each
kind's `## 示例` is a fixture evaluated here through the engine, so `pingtai rules kinds NAME`
cannot say what the engine does not do.
"""

from __future__ import annotations

import json
import pkgutil
import re
from pathlib import Path

import pytest

from cli_helpers import invoke, ok
from pingtai_cli.engine.checks import evaluate_rule
from pingtai_cli.rules import kinds
from pingtai_cli.rules.kinds.base import facts_of
from pingtai_cli.rules.schema import Rule, Ruleset

SRC = Path(kinds.__file__).resolve().parents[2]  # src/pingtai_cli
KINDS_DIR = Path(kinds.__file__).parent
HELPERS = {"base", "words"}  # modules of the package that are not kinds
ALL = list(kinds.REGISTRY.values())
CASES = [(k, c) for k in ALL for c in k.example().cases]


def test_every_module_of_the_package_is_a_registered_kind():
    modules = {m.name for m in pkgutil.iter_modules([str(KINDS_DIR)])} - HELPERS
    assert modules == set(kinds.REGISTRY)
    for name, kind in kinds.REGISTRY.items():
        assert kind.name == name and type(kind).__module__ == f"pingtai_cli.rules.kinds.{name}"


@pytest.mark.parametrize("kind", ALL, ids=lambda k: k.name)
def test_each_kind_is_documented_under_the_fixed_headings(kind):
    headings = re.findall(r"^## +(.+?)\s*$", kind.doc, re.MULTILINE)
    assert tuple(headings) == kinds.HEADINGS
    sections = kind.sections()
    assert sections[""].startswith(f"{kind.title}（{kind.name}）：") and kind.summary
    assert all(sections[h] for h in kinds.HEADINGS)
    for field in kind.needs:  # every field the schema demands is documented as required
        assert f"`{field}`（必填）" in sections["字段"], field


@pytest.mark.parametrize("kind", ALL, ids=lambda k: k.name)
def test_each_kind_has_a_passing_and_a_failing_example(kind):
    example = kind.example()
    assert example.rule["check"] == kind.name
    if kind.qualitative:  # a reviewer decides: its example shows the review item
        assert example.want("review")
    else:  # in_area: outside is inferred, so its negative example is a review
        assert kind.outcomes[0] == "pass" and all(example.want(s) for s in kind.outcomes)


@pytest.mark.parametrize(("kind", "case"), CASES, ids=lambda x: getattr(x, "name", ""))
def test_the_documented_example_is_what_the_engine_says(kind, case):
    rule = Rule.model_validate(kind.example().rule)
    result = evaluate_rule(rule, facts_of(case.facts))
    assert (result.status, result.message) == (case.status, case.message)


def test_the_ruleset_schema_lists_the_registered_kinds():
    schema = Ruleset.model_json_schema()
    assert tuple(schema["$defs"]["Rule"]["properties"]["check"]["enum"]) == kinds.NAMES
    example = kinds.get("flag").example().rule
    with pytest.raises(ValueError, match="threshold"):
        Rule.model_validate({**example, "check": "thresold"})


@pytest.mark.parametrize("kind", [k for k in ALL if k.needs], ids=lambda k: k.name)
def test_the_schema_asks_each_kind_for_its_own_fields(kind):
    rule = kind.example().rule
    for field in kind.needs:
        with pytest.raises(ValueError, match=f"check={kind.name} 需要字段: {field}"):
            Rule.model_validate({k: v for k, v in rule.items() if k != field})


# A comparison of a rule's kind with a name, or a kind name compared or listed: the registry's
# job. `status == "review"` is a status, not a kind, so `review` is matched only after `check`.
KIND_NAMES = "|".join(n for n in kinds.NAMES if n != "review")
CHAIN = re.compile(
    r"""(\.check\b|\[["']check["']\]|get\(["']check["']\))\s*(==|!=|\bin\b|\bnot\s+in\b)"""
    r"""|(==|!=)\s*["'](""" + KIND_NAMES + r""")["']"""
    r"""|\bin\s*[(\[{]\s*["'](""" + KIND_NAMES + r""")["']"""
    r"""|\[(self|rule|r)\.check\]"""
    r"""|\bmatch\s+\S*check\b|\bcase\s+["'](""" + KIND_NAMES + r""")["']"""
)


def test_no_module_outside_the_registry_dispatches_on_the_kind_name():
    found = []
    for path in sorted(SRC.rglob("*.py")):
        if KINDS_DIR in path.parents:
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if CHAIN.search(line.split("#")[0]):
                found.append(f"{path.relative_to(SRC)}:{n}: {line.strip()}")
    assert not found, "ask the kind (rules/kinds) instead:\n" + "\n".join(found)


def test_the_chain_pattern_finds_what_it_forbids():
    for line in ('if rule.check == "threshold":', 'r["check"] != "review"', 'r.get("check") == kind',
                 'all(r.check in ("threshold", "review") for r in rules)', '}[self.check]', 'kind == "any_of"',
                 'match rule.check:', 'case "one_of":'):
        assert CHAIN.search(line), line
    assert not CHAIN.search('if r.status == "review":')


def test_the_rulesets_readme_table_of_kinds_is_the_registrys():
    text = (SRC.parents[1] / "rulesets" / "README.md").read_text(encoding="utf-8")
    block = text.split("<!-- kinds:start -->\n", 1)[1].split("<!-- kinds:end -->", 1)[0]
    assert block == kinds.table(), "regenerate: pingtai rules kinds --format markdown"


# ---------------------------------------------------------------- pingtai rules kinds


def test_rules_kinds_lists_every_kind_with_its_chinese_name():
    out = ok("rules", "kinds")
    for kind in ALL:
        assert kind.name in out and kind.title in out


@pytest.mark.parametrize("kind", ALL, ids=lambda k: k.name)
def test_rules_kinds_name_prints_its_documentation_as_ruff_rule_does(kind):
    out = ok("rules", "kinds", kind.name)
    for heading in kinds.HEADINGS:
        assert f"## {heading}" in out
    for case in kind.example().cases:
        assert case.message in out


def test_rules_kinds_json_gives_the_sections_and_the_example():
    data = json.loads(ok("rules", "kinds", "threshold", "--format", "json"))
    assert data["name"] == "threshold" and data["needs"] == ["field", "value"]
    assert list(data["sections"]) == list(kinds.HEADINGS)
    assert {c["status"] for c in data["example"]["cases"]} >= {"pass", "fail"}
    listing = json.loads(ok("rules", "kinds", "--format", "json"))
    assert [k["name"] for k in listing] == list(kinds.NAMES)
    assert ok("rules", "kinds", "--format", "markdown") == kinds.table()


def test_an_unknown_kind_is_a_clear_error_naming_the_kinds():
    res = invoke("rules", "kinds", "thresold")
    assert res.exit_code == 2
    assert "threshold" in str(res.exception) and "Traceback" not in res.output


@pytest.mark.parametrize(("raw", "said"), [("无", "已获认定填写“无”"), ("", "未填写任何已获认定")])
def test_a_requirement_of_a_recognition_says_whether_none_was_written_or_nothing(raw: str, said: str) -> None:
    """LN-B11 fails either way (the reading: 填“无”为不满足), but 无 written is no blank field."""
    from pingtai_cli.core.models import Fact
    from pingtai_cli.engine.checks import evaluate_rule
    from pingtai_cli.rules.schema import load_ruleset

    rule = next(r for r in load_ruleset("liaoning").all_rules() if r.code == "LN-B11")
    got = evaluate_rule(rule, {"prior_recognitions": Fact("prior_recognitions", [], raw=raw or None)})
    assert got.status == "fail" and got.message.startswith(said), got.message
