"""What the file format refuses beyond a field's type, each with its `file:line: field: reason`.

The fields are written once, in rules/model.py; rules/pydantic_schema.py builds the validating
models from them and layers the validators on: every check below is one a field list alone would
not give (a limit in an annotation, a validator, a vocabulary key), so losing one in the building
fails here."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from jurisdictions import ruleset_file
from pingtai_cli.core.errors import RulesetError
from pingtai_cli.rules.schema import load_file

Change = Callable[[dict[str, Any]], Any]


def _threshold(d: dict[str, Any]) -> dict[str, Any]:
    return next(r for r in d["basic"] if r["check"] == "threshold")


def _load(tmp_path: Path, change: Change) -> Any:
    data = yaml.safe_load(ruleset_file("national").read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / "national.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return load_file(path)


REFUSED: dict[str, tuple[Change, str]] = {
    "rule code": (lambda d: d["basic"][0].update(code="bad"), r"basic\.0\.code: 规则编号 'bad' 格式应为 XX-B01"),
    "pattern RE2 cannot run": (lambda d: d["basic"][0].update(patterns=["(a)\\1"]), r"basic\.0\.patterns: 正则表达式"),
    "kind's fields": (lambda d: _threshold(d).pop("value"), r"basic\.1: check=threshold 需要字段: value"),
    "region set without divisions": (lambda d: d.update(region_sets=[{"name": "X"}]), r"region_sets\.0: 地区集合 X 需要 codes"),
    "short quote": (lambda d: d["basic"][0].update(quote="a"), r"basic\.0\.quote: String should have at least 2 characters"),
    "fact key": (lambda d: d.update(facts=[{"key": "Bad", "label": "x"}]), r"facts\.0\.key: String should match pattern"),
    "growth years": (lambda d: d.update(facts=[{"key": "ok", "label": "x", "growth": {"years": 9}}]),
                     r"facts\.0\.growth\.years: 取值应为 less than 或 equal to 5"),
    "function count": (lambda d: d["functions"]["count"].update(min=-1), r"functions\.count\.min: 取值应为 greater than 或 equal to 0"),
    "function key": (lambda d: d["functions"]["items"][0].update(function="nope"), r"functions\.items\.0\.function: 取值应为 'information'"),
    "validity kind": (lambda d: d["materials"][0].update(validity=["nope"]), r"materials\.0\.validity\.0: 取值应为 'seal'"),
    "no keywords": (lambda d: d.update(new_materials=[{"key": "x1", "name": "n", "keywords": []}]), r"new_materials\.0\.keywords: 列表至少应有 1"),
    "unknown key": (lambda d: d["document"].update(colour=1), r"document\.colour: 未知字段（不允许）"),
}  # fmt: skip


@pytest.mark.parametrize("case", list(REFUSED))
def test_a_check_beyond_the_fields_type_is_kept(tmp_path: Path, case: str):
    change, reason = REFUSED[case]
    with pytest.raises(RulesetError) as err:
        _load(tmp_path, change)
    assert any(re.match(rf"national\.yaml:\d+: {reason}", p) for p in err.value.problems), err.value.problems


def test_what_the_validators_turn_input_into_is_kept(tmp_path: Path):
    variant = {"article": "a", "quote": "ab", "when": {"region": "珠三角"}, "value": 1}
    rs = _load(tmp_path, lambda d: (d["document"].update(issued="未知"), _threshold(d).update(variants=[variant]),
                                    d.update(region_sets=[{"name": "珠三角", "status": "draft"}])))  # fmt: skip
    assert rs.document.issued is None and rs.document.issued_text == "未知"
    when = next(r for r in rs.basic if r.check == "threshold").variants[0].when
    assert (when.field, when.equals, when.region) == ("region:珠三角", True, "珠三角")
