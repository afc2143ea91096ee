"""What a ruleset's author may write: the JSON Schema of the file format (`rules schema`) and the
fact, column and material keys a rule may name (`rules keys`)."""

from __future__ import annotations

import json
from typing import Any

from pingtai_cli import vocab
from pingtai_cli.rules.schema import Ruleset
from pingtai_cli.vocab import material_catalogue as catalogue


def ruleset_schema() -> dict[str, Any]:
    """The JSON Schema of a ruleset file, from the pydantic models (so it never drifts from them).

    A file that `extends:` another states only what changes, so it is checked against the same
    definitions with nothing required (`…_partial`); any other file against the full ones."""
    full = Ruleset.model_json_schema(mode="validation")
    defs = full.pop("$defs", {})
    all_defs = {**defs, "Ruleset": full}
    partial = {f"{name}_partial": _without_required(d) for name, d in all_defs.items()}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://github.com/pingtai/pingtai/schemas/ruleset.schema.json",
        "title": "pingtai 认定办法规则文件",
        "description": "由 pingtai rules schema 生成（src/pingtai_cli/rules/pydantic_schema.py 的 pydantic 模型）。",
        "if": {"required": ["extends"]},
        "then": {"$ref": "#/$defs/Ruleset_partial"},
        "else": {"$ref": "#/$defs/Ruleset"},
        "$defs": {**all_defs, **partial},
    }


def _without_required(node: Any) -> Any:
    if isinstance(node, dict):
        out = {k: _without_required(v) for k, v in node.items() if k != "required"}
        if "code" in out.get("properties", {}):  # a child may drop an inherited entry: {code: XC-B11, remove: true}
            out["properties"]["remove"] = {"type": "boolean", "description": "删去上级规则中此编号的条目"}
        if isinstance(out.get("$ref"), str) and out["$ref"].startswith("#/$defs/"):
            out["$ref"] += "_partial"
        return out
    if isinstance(node, list):
        return [_without_required(x) for x in node]
    return node


def schema_text() -> str:
    """`rules schema`: the text shipped as pingtai_cli/schemas/ruleset.schema.json."""
    return json.dumps(ruleset_schema(), ensure_ascii=False, indent=2) + "\n"


def key_rows(rulesets: list[Ruleset]) -> dict[str, list[dict[str, Any]]]:
    """`rules keys`: every key a rule may name, with its label and where it comes from (and those the rulesets declare)."""
    v = vocab.get()
    facts = [{"key": k, "label": "、".join(fk.labels), "type": fk.kind, "unit": fk.unit,
              "origin": "pingtai 扩展" if fk.extra else "申请表"} for k, fk in v.facts.items()]
    facts += [{"key": k, "label": d.label, "type": "number" if d.unit else "bool", "unit": d.unit, "origin": "推导"}
              for k, d in v.derived.items()]
    facts += [{"key": k, "label": label, "type": "text", "unit": None, "origin": "材料原文"} for k, label in v.documents.items()]
    for rs in rulesets:
        facts += [{"key": f.key, "label": f.label, "type": f.type, "unit": f.unit, "origin": f"{rs.key} 声明"} for f in rs.facts]
    columns = [{"key": k, "label": label} for k, label in v.yearly_columns.items()]
    materials = [{"key": k, "name": m.name, "origin": "pingtai 扩展" if m.extra else "材料目录"} for k, m in catalogue().items()]
    for rs in rulesets:
        materials += [{"key": m.key, "name": m.name, "origin": f"{rs.key} 声明"} for m in rs.new_materials]
    return {"facts": facts, "yearly_columns": columns, "materials": materials}
