"""`pingtai rules schema` (shipped JSON Schema of the ruleset format) and `pingtai rules keys`."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import jsonschema
import pytest
import yaml

from cli_helpers import ok
from jurisdictions import keys, ruleset_file
from pingtai_cli.rules.files import key_of

REPO = Path(__file__).resolve().parents[1]
SCHEMA_FILE = Path(__file__).parents[1] / "src" / "pingtai_cli" / "schemas" / "ruleset.schema.json"
FILES = [ruleset_file(k) for k in keys()] + sorted((REPO / "examples" / "rulesets").glob("*.yaml"))
NATIONAL = ruleset_file("national")


def as_json(path: Path) -> dict:
    """The YAML as an editor's language server sees it: dates are strings."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return json.loads(json.dumps(data, default=lambda v: v.isoformat() if isinstance(v, date) else str(v)))


def test_the_shipped_schema_is_the_one_the_models_give():
    # after changing ruleset.py: .venv/bin/pingtai rules schema > src/pingtai_cli/schemas/ruleset.schema.json
    assert json.loads(ok("rules", "schema")) == json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))


@pytest.mark.parametrize("path", FILES, ids=key_of)
def test_every_shipped_ruleset_and_example_meets_the_schema(path: Path):
    jsonschema.validate(as_json(path), json.loads(SCHEMA_FILE.read_text(encoding="utf-8")))


def test_the_schema_rejects_what_the_loader_rejects():
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    data = as_json(NATIONAL)
    data["basic"][1]["threshold_value"] = 2  # a misspelt key
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, schema)
    data = as_json(NATIONAL)
    data["basic"][1]["check"] = "thresold"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, schema)
    child = {"key": "c", "name": "某县", "extends": "xuchang", "basic": [{"code": "XC-B11", "remove": True}]}
    jsonschema.validate(child, schema)  # a child states only what changes


def test_rules_keys_lists_fact_and_material_keys_and_a_rulesets_own(tmp_path: Path):
    out = ok("rules", "keys")
    for word in ("smes_served", "年服务中小企业数", "operating_years", "service_revenue", "business_license", "credit_report"):
        assert word in out
    data = as_json(NATIONAL)
    data.update(key="own", facts=[{"key": "service_revenue_share", "label": "服务收入占比", "unit": "%",
                                   "ratio": {"numerator": "service_revenue", "denominator": "revenue"}}],
                new_materials=[{"key": "tax_certificate", "name": "纳税证明", "keywords": ["纳税证明"]}])
    (tmp_path / "own.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    rows = json.loads(ok("rules", "keys", "-j", "own", "--rulesets-dir", str(tmp_path), "-f", "json"))
    assert {"key": "service_revenue_share", "label": "服务收入占比", "type": "number", "unit": "%", "origin": "own 声明"} in rows["facts"]
    assert any(m["key"] == "tax_certificate" for m in rows["materials"])
