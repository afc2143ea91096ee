"""`pingtai rules new | test | schema | keys`: adding a jurisdiction from its text.

`rules new` drafts a ruleset from a policy text (draft.py), copies the text beside it and
writes synthesised rule cases; `rules test` runs a ruleset's cases; `rules schema` prints the
JSON Schema of the ruleset format; `rules keys` lists the fact and material keys a rule may use.
Heavy imports stay inside the commands (`pingtai --help` must stay fast).
"""

from __future__ import annotations

import json
import re
import sys
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer

from pingtai_cli.cli import rules_app
from pingtai_cli.cli.commands.rules import RulesetsDir, safe_cell
from pingtai_cli.core.files import write_atomic

MAX_TEXT_BYTES = 4 * 1024 * 1024  # a 办法 is some 20 KB; anything this large is not one
KEY_RE = re.compile(r"^[a-z][a-z0-9-]{1,40}$")


def read_policy_text(path: Path) -> str:
    """The text of a 办法, UTF-8 or GB18030 (a bureau's Windows export), size-bounded."""
    from pingtai_cli.core.errors import PingtaiError, os_reason

    try:
        size = path.stat().st_size
        if size > MAX_TEXT_BYTES:
            raise PingtaiError(f"政策原文 {path} 过大（{size // 1024} KB），不像一份认定办法的文本")
        raw = path.read_bytes()
    except OSError as e:
        raise PingtaiError(f"无法读取政策原文 {path}（{os_reason(e)}）") from e
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise PingtaiError(f"政策原文 {path} 不是 UTF-8 或 GBK 编码的文本（Word/PDF 请先另存为 .txt）")


def _dump(data: Any) -> str:
    import yaml

    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000, default_flow_style=False)


def _refuse_existing(paths: list[Path], force: bool) -> None:
    from pingtai_cli.core.errors import OutputExists

    existing = [str(p) for p in paths if p.exists()]
    if existing and not force:
        raise OutputExists(f"文件已存在：{'、'.join(existing)}（用 --force 覆盖）")


@rules_app.command("new")
def new(
    key: Annotated[str, typer.Argument(help="新地区的键（小写字母、数字、连字符），如 guangdong、xuchang-yuzhou。")],
    text: Annotated[Path, typer.Option("--text", help="认定办法原文（.txt，UTF-8 或 GBK）。", dir_okay=False)],
    extends: Annotated[str | None, typer.Option("--extends", help="继承的上级规则（如县继承市）：只起草本文件与上级不同之处。")] = None,
    out_dir: Annotated[Path, typer.Option("--dir", "-o", help="写入的文件夹（之后用 --rulesets-dir 指向它）。", file_okay=False)] = Path("."),
    prefix: Annotated[str | None, typer.Option("--prefix", help="规则编号前缀（2–4 个大写字母），默认由键生成。")] = None,
    force: Annotated[bool, typer.Option("--force", help="覆盖已有的同名文件。")] = False,
    rulesets_dir: RulesetsDir = None,
) -> None:
    """由办法原文起草规则文件：条件、门槛、条文与原文引文、材料、表格、期限、放宽与排除条款，全部标为草稿（status: draft）。"""
    from pingtai_cli.core.errors import PingtaiError
    from pingtai_cli.rules.draft import default_prefix, draft_cases, draft_ruleset
    from pingtai_cli.rules.files import CASES_FILE, RULESET_FILE, available
    from pingtai_cli.rules.schema import load_ruleset

    if not KEY_RE.match(key):
        raise PingtaiError(f"地区键 {key!r} 只能用小写字母、数字和连字符，以字母开头，2 至 41 个字符，如 guangdong")
    if prefix is not None and not re.fullmatch(r"[A-Z]{2,4}", prefix):
        raise PingtaiError(f"编号前缀 {prefix!r} 应为 2–4 个大写字母，如 GD")
    body = read_policy_text(text)
    parent = load_ruleset(extends, rulesets_dir) if extends else None
    taken = {_prefix_of(p) for p in available(rulesets_dir).values()} - {None}
    code_prefix = prefix or default_prefix(key, taken)  # type: ignore[arg-type]
    data = draft_ruleset(key, body, text.name, code_prefix, parent)
    cases = draft_cases(data, date(2026, 3, 15))
    # One folder per jurisdiction, as the shipped rulesets: DIR/<key>/ruleset.yaml, cases.yaml, the text.
    folder = out_dir / key
    target, copy, cases_path = folder / RULESET_FILE, folder / text.name, folder / CASES_FILE
    same_text = copy.exists() and copy.resolve() == text.resolve()
    flat = out_dir / f"{key}.yaml"  # an older flat file of the key: the folder would shadow it unseen
    _refuse_existing([target, cases_path] + ([] if same_text else [copy]) + ([flat] if flat.exists() else []), force)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if not same_text:
            write_atomic(copy, body, force=force)
        write_atomic(target, _header(key, text.name) + _dump(data), force=force)
        write_atomic(cases_path, "# 由 pingtai rules new 按门槛值合成的用例：门槛值确认后仍应通过。\n" + _dump(cases),
                     force=force)
    except OSError as e:
        from pingtai_cli.core.errors import os_reason

        raise PingtaiError(f"无法写入 {out_dir}（{os_reason(e)}）") from e
    typer.echo(_summary(data, target, copy, cases_path, out_dir))


def _prefix_of(path: Path) -> str | None:
    try:
        m = re.search(r"code:\s*['\"]?([A-Z]{2,4})-[A-Z]\d{2}", path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        return None
    return m.group(1) if m else None


def _header(key: str, source: str) -> str:
    return (f"# 草稿：由 pingtai rules new 从 {source} 起草。每一条都标为 status: draft；\n"
            "# 逐条与原文核对（门槛值、单位、条文、事实字段），确认后删去该条的 status 行。\n"
            "# 整个文件确认后删去顶层的 status: draft。在此之前，检查结论一律为“待审核”。\n"
            f"# 校验：pingtai rules validate {key}/ruleset.yaml    用例：pingtai rules test {key} --rulesets-dir .\n")


def _summary(data: dict[str, Any], target: Path, copy: Path, cases: Path, out_dir: Path) -> str:
    from pingtai_cli.rules import kinds

    def count(rules: list[dict[str, Any]], attribute: str) -> int:
        """Drafted rules (options included) whose kind has that attribute: numeric, qualitative."""
        total = 0
        for r in rules:
            total += getattr(kinds.get(r["check"]), attribute)
            for opt in r.get("options", []):
                total += count(opt["rules"], attribute)
        return total

    basic = data.get("basic", [])
    functions = data.get("functions")
    fn_rules = [r for item in functions["items"] for r in item["rules"]] if functions else []
    thresholds, reviews = count(basic, "numeric"), count(basic, "qualitative")
    lines = [
        f"已起草 {target}（草稿），原文复制为 {copy}，用例 {cases}：",
        f"  基本条件：门槛 {thresholds} 条，定性 {reviews} 条，其他 {len(basic) - thresholds - reviews} 条",
        (f"  服务功能：{len(functions['items'])} 项（门槛 {count(fn_rules, 'numeric')} 条），"
         f"至少满足 {functions['count'].get('by_platform_type') or functions['count']['min']} 项")
        if functions else f"  服务功能：沿用 {data.get('extends')}（本办法未另作规定）",
        f"  排除情形 {len(data.get('exclusions', []))} 条，材料 {len(data.get('materials', []))} 项，"
        f"表格 {len(data.get('forms', []))} 项，程序与期限 {len(data.get('procedure', []))} 项，"
        f"放宽条款 {len(data.get('relaxations', []))} 条" + (f"，继承 {data['extends']}" if data.get("extends") else ""),
    ]
    if data.get("facts"):
        rename = sum(f["key"].startswith("draft_fact_") for f in data["facts"])
        derived = sum(bool(f.get("ratio") or f.get("growth")) for f in data["facts"])
        lines.append(f"  新声明的事实字段 {len(data['facts'])} 个（推导 {derived} 个；待改名 {rename} 个：词表中没有对应的键）")
    lines += [f"  注意：{r}" for r in data["readings"] if "起草" in r and not r.startswith("草稿：")]
    lines.append(f"下一步：pingtai rules validate {target}；pingtai rules test {data['key']} --rulesets-dir {out_dir}")
    return "\n".join(lines)


# ---------------------------------------------------------------- test


@rules_app.command("test")
def test_cases(
    key: Annotated[str, typer.Argument(help="地区键。")],
    rulesets_dir: RulesetsDir = None,
) -> None:
    """运行规则文件夹中 cases.yaml（或平铺布局 cases/<键>.yaml）的用例：每条规则在给定数据下应得的结果。不通过时退出码 1。"""
    from pingtai_cli.engine.cases import run_case
    from pingtai_cli.rules.cases import load_cases
    from pingtai_cli.rules.schema import load_ruleset

    rs = load_ruleset(key, rulesets_dir)
    cases = load_cases(key, rulesets_dir)
    if not cases:
        from pingtai_cli.rules.files import available, cases_path

        typer.echo(f"{key}：没有用例文件（{cases_path(available(rulesets_dir)[key])}）。")
        raise typer.Exit(1)
    failed = total = 0
    for code, items in cases.items():
        for case in items:
            total += 1
            try:
                got: str = run_case(rs, code, case).status
            except Exception as e:  # noqa: BLE001 - an unknown code or a broken case is a failure to report
                got = f"无法运行（{e}）"
            if got != case.status:
                failed += 1
                typer.echo(f"不通过 {code} {case.name}：应为 {case.status}，实际 {got}")
    typer.echo(f"{key}：用例 {total} 条，通过 {total - failed} 条，不通过 {failed} 条。")
    if failed:
        raise typer.Exit(1)


# ---------------------------------------------------------------- schema and keys


def ruleset_schema() -> dict[str, Any]:
    """The JSON Schema of a ruleset file, from the pydantic models (so it never drifts from them).

    A file that `extends:` another states only what changes, so it is checked against the same
    definitions with nothing required (`…_partial`); any other file against the full ones."""
    from pingtai_cli.rules.schema import Ruleset

    full = Ruleset.model_json_schema(mode="validation")
    defs = full.pop("$defs", {})
    all_defs = {**defs, "Ruleset": full}
    partial = {f"{name}_partial": _without_required(d) for name, d in all_defs.items()}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://github.com/pingtai/pingtai/schemas/ruleset.schema.json",
        "title": "pingtai 认定办法规则文件",
        "description": "由 pingtai rules schema 生成（src/pingtai_cli/rules/schema.py 的 pydantic 模型）。",
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
    return json.dumps(ruleset_schema(), ensure_ascii=False, indent=2) + "\n"


@rules_app.command("schema")
def schema() -> None:
    """打印规则文件的 JSON Schema（编辑器据此补全与检查字段；同一份随包发布在 pingtai_cli/schemas/ruleset.schema.json）。"""
    sys.stdout.write(schema_text())


def key_rows(rulesets: list[Any]) -> dict[str, list[dict[str, Any]]]:
    from pingtai_cli import vocab
    from pingtai_cli.intake.materials import catalogue

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


@rules_app.command("keys")
def keys(
    jurisdiction: Annotated[str | None, typer.Option("--jurisdiction", "-j", help="同时列出该地区规则文件声明的键。")] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="table 或 json。")] = "table",
    rulesets_dir: RulesetsDir = None,
) -> None:
    """列出规则可用的事实字段（field）和材料键（key）：申请表字段、推导字段、运营情况表列、材料目录。"""
    from pingtai_cli.core.errors import PingtaiError
    from pingtai_cli.rules.schema import load_ruleset

    if fmt not in ("table", "json"):
        raise PingtaiError(f"--format 应为 table 或 json，而不是 {fmt!r}")
    rows = key_rows([load_ruleset(jurisdiction, rulesets_dir)] if jurisdiction else [])
    if fmt == "json":
        sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
        return
    from rich.console import Console
    from rich.table import Table

    console = Console(highlight=False)
    for title, head, cols in (("事实字段（field）", ["键", "申请表标签", "类型", "单位", "来源"], ["key", "label", "type", "unit", "origin"]),
                              ("运营情况表的列（facts[].ratio 可用）", ["键", "表头"], ["key", "label"]),
                              ("材料键（materials[].key）", ["键", "名称", "来源"], ["key", "name", "origin"])):
        table = Table(title=title, title_justify="left")
        for h in head:
            table.add_column(h, overflow="fold")
        key = {"事": "facts", "运": "yearly_columns", "材": "materials"}[title[0]]
        for row in rows[key]:
            table.add_row(*[safe_cell(row.get(c) or "") for c in cols])
        console.print(table)
