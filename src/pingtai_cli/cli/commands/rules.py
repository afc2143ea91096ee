"""`pingtai rules list | show | explain | kinds | validate`: the encoded regulations, shown to a person.

Only typer is imported at module level; everything else is imported inside the
commands so that `pingtai --help` stays fast. `rules list` reads ruleset
headers with libyaml and never imports pydantic (see rulefiles.py).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from datetime import date
from enum import StrEnum
from functools import partial
from pathlib import Path
from typing import Annotated, Any

import typer

from pingtai_cli.cli import echo, printable, rules_app

RulesetsDir = Annotated[
    Path | None,
    typer.Option(
        "--rulesets-dir",
        help="额外的规则目录（其中同名地区覆盖内置规则）；也可用环境变量 PINGTAI_RULESETS_DIR。",
        file_okay=False,
    ),
]
AsOf = Annotated[str | None, typer.Option("--as-of", help="判断是否现行所依据的日期（YYYY-MM-DD），默认今天。")]
LEVEL_WORDS = {"national": "国家级", "province": "省级", "city": "市级", "county": "县级"}


class ListFormat(StrEnum):
    table = "table"
    json = "json"


class ShowFormat(StrEnum):
    table = "table"
    json = "json"
    markdown = "markdown"


class ExplainFormat(StrEnum):
    text = "text"
    markdown = "markdown"
    json = "json"


def _as_of(text: str | None) -> date:
    from pingtai_cli.core.dates import parse_as_of

    return parse_as_of(text)


def _console() -> Any:
    from rich.console import Console

    return Console(highlight=False)


def safe_cell(text: object, style: str = "") -> Any:
    """A table cell or line from a ruleset (a user's file is untrusted): rich Text, so `[red]` is
    not markup, with control and bidi characters made visible, as every terminal line is."""
    from rich.text import Text

    return Text(printable("" if text is None else text), style=style)


def _print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def _printed_as_document(fmt: str, data: dict[str, Any], to_markdown: Callable[[dict[str, Any]], str]) -> bool:
    """Print `data` as JSON or Markdown when that is the format asked for; False leaves the terminal view to the caller."""
    if fmt == "json":
        _print_json(data)
    elif fmt == "markdown":
        sys.stdout.write(to_markdown(data))
    else:
        return False
    return True


# ---------------------------------------------------------------- list


def ruleset_summaries(extra: Path | None, on: date) -> list[dict[str, Any]]:
    """Header and counts of every ruleset; files using `extends:` (or unreadable ones) get the full load."""
    from pingtai_cli.rules.files import available, read_plain, summary

    out = []
    for key, path in available(extra).items():
        data = read_plain(path)
        if data is None:
            data = _full_dump(key, extra)
        if "error" in data:
            out.append({"key": key, "file": str(path), "error": data["error"]})
        else:
            out.append(summary(data, path, on))
    return out


def _full_dump(key: str, extra: Path | None) -> dict[str, Any]:
    from pingtai_cli.core.errors import PingtaiError
    from pingtai_cli.rules.schema import load_ruleset

    try:
        return load_ruleset(key, extra).model_dump(mode="python")
    except PingtaiError as e:
        return {"error": str(e).splitlines()[0]}


def in_force_words(s: dict[str, Any], on: date) -> str:
    if s.get("in_force") is None:
        return "？"
    if s["in_force"]:
        return f"现行（至 {s['in_force_until']}）" if s.get("in_force_until") else "现行"
    if s.get("in_force_from") and s["in_force_from"] > on.isoformat():
        return f"未施行（{s['in_force_from']} 起）"
    return f"已失效（{s['in_force_until']} 止）"


@rules_app.command("list")
def list_rulesets(
    fmt: Annotated[ListFormat, typer.Option("--format", "-f", help="输出格式。")] = ListFormat.table,
    rulesets_dir: RulesetsDir = None,
    as_of: AsOf = None,
) -> None:
    """列出可用的地区规则：文件、文号、发布机关、层级、日期、是否现行、规则数。"""
    on = _as_of(as_of)
    rows = ruleset_summaries(rulesets_dir, on)
    if fmt is ListFormat.json:
        _print_json([{**r, "in_force_words": in_force_words(r, on)} if "error" not in r else r for r in rows])
        return
    from rich import box
    from rich.table import Table

    table = Table(title=f"可用的认定办法（{on.isoformat()}）", box=box.SIMPLE_HEAD, expand=True)
    table.add_column("地区", no_wrap=True)
    table.add_column("办法（文号）", overflow="fold", ratio=3)
    table.add_column("发布机关", overflow="fold", ratio=2)
    table.add_column("发布日期", no_wrap=True)
    table.add_column("是否现行", overflow="fold", ratio=2)
    table.add_column("规则/材料", no_wrap=True)
    for r in rows:
        if "error" in r:  # the message quotes the file: Text, never markup
            bad = safe_cell(f"无效：{r['error']}（运行 pingtai rules validate 查看）", style="red")
            table.add_row(safe_cell(r["key"]), bad, "", "", "", "")
            continue
        doc = f"《{r['title']}》" + (f"（{r['number']}）" if r.get("number") else "（无文号）")
        doc += "" if r["shipped"] else f"\n{r['file']}"
        doc += "\n（草稿：待逐条确认，检查结论为待审核）" if r.get("status") == "draft" else ""
        issuer = f"{r['issuer']}（{LEVEL_WORDS.get(r['level'], str(r['level']))}）"
        table.add_row(
            safe_cell(f"{r['key']}\n{r['name']}"), safe_cell(doc), safe_cell(issuer),
            safe_cell(r["issued"]), safe_cell(in_force_words(r, on)), f"{r['rules']} / {r['materials']}",
        )
    _console().print(table)


# ---------------------------------------------------------------- show


GROUPS = ("基本条件", "服务功能", "排除情形", "申报材料", "表格", "程序与期限", "放宽条款", "解读说明")


def _remarks(line: dict[str, Any]) -> str:
    """放宽、另一读法 — what a reader must not miss next to a threshold (variants are in 要求)."""
    out = []
    if line.get("relaxable_by"):
        out.append("可放宽（" + "、".join(line["relaxable_by"]) + "）")
    out += [f"另一读法（{r['article']}）：{r['note']}" for r in line.get("readings", [])]
    return "；".join(out)


def _rule_rows(lines: list[dict[str, Any]], indent: str = "") -> list[list[str]]:
    rows = []
    for line in lines:
        rows.append([line["code"], indent + line["title"], line["requirement"], line["article"], _remarks(line)])
        for opt in line.get("options", []):
            rows.append(["", f"{indent}  ▸ {opt['name']}", "", "", ""])
            rows += _rule_rows(opt["rules"], indent + "    ")
    return rows


RULE_HEAD = ["编号", "条件", "要求", "条文", "备注"]


def show_groups(o: dict[str, Any]) -> list[tuple[str, list[str], list[list[str]]]]:
    """The outline as (group title, column heads, rows) — one source for the table and markdown."""
    fn = o["functions"]
    fn_rows: list[list[str]] = []
    for item in fn["items"]:
        fn_rows.append(["", f"【{item['name']}】", item["structure"], item["article"], ""])
        fn_rows += _rule_rows(item["rules"], "  ")
    materials = [[m["code"], m["name"], "、".join(m["qualifiers"]) or "—", m["article"], m["key"]] for m in o["materials"]]
    if o.get("materials_note"):
        note = o["materials_note"]
        materials.append(["", "（文件未列明材料）", note["quote"], note["article"], "材料清单随年度申报通知，可用 --rulesets-dir 补充"])
    forms = [[f["code"], f["name"], f"{f['attachment']}，{f['filled_by']}填写", f["article"], f["id"]] for f in o["forms"]]
    if o.get("application_report"):
        rep = o["application_report"]
        forms.append(["", "申请报告应含章节", "；".join(rep["sections"]), rep["article"], ""])
    relax = [
        [x["code"], x["name"], "声明：" + "、".join(x["flags"]), x["article"],
         ("可放宽：" + "、".join(x["covers"])) + ("（裁量）" if x["discretionary"] else "")]
        for x in o["relaxations"]
    ]
    return [
        ("基本条件", RULE_HEAD, _rule_rows(o["basic"])),
        (f"服务功能（{fn['count']['text']}，{fn['count']['article']}）", RULE_HEAD, fn_rows),
        ("排除情形", RULE_HEAD, _rule_rows(o["exclusions"])),
        ("申报材料", ["编号", "材料", "要求", "条文", "材料键"], materials),
        ("表格", ["编号", "表格", "说明", "条文", "标识"], forms),
        ("程序与期限", ["编号", "事项", "规定", "条文", "标识"],
         [[p["code"], p["title"], p["value"], p["article"], p["id"]] for p in o["procedure"]]),
        ("放宽条款", ["编号", "情形", "条件", "条文", "效果"], relax),
        ("解读说明", ["#", "pingtai 对文本的解读"], [[str(i), r] for i, r in enumerate(o["readings"], 1)]),
    ]


def _show_title(o: dict[str, Any]) -> str:
    until = f"，至 {o['in_force_until']}" if o.get("in_force_until") else ""
    state = "现行" if o["in_force"] else "非现行"
    return f"{o['name']}（{o['key']}）{o['document']}，{o['issuer']}，{o['issued']} 发布，{o['in_force_from']} 起施行{until}，{state}"


def render_show_markdown(o: dict[str, Any]) -> str:
    lines = [f"# {_show_title(o)}", ""]
    for title, head, rows in show_groups(o):
        lines += [f"## {title}", ""]
        if not rows:
            lines += ["（无）", ""]
            continue
        lines.append("| " + " | ".join(head) + " |")
        lines.append("|---" * len(head) + "|")
        lines += ["| " + " | ".join(c.replace("|", "\\|") for c in row) + " |" for row in rows]
        lines.append("")
    return "\n".join(lines)


@rules_app.command("show")
def show(
    key: Annotated[str, typer.Argument(help="地区键（pingtai rules list 列出全部）。")],
    fmt: Annotated[ShowFormat, typer.Option("--format", "-f", help="输出格式。")] = ShowFormat.table,
    rulesets_dir: RulesetsDir = None,
    as_of: AsOf = None,
) -> None:
    """列出一个地区的全部规则：基本条件、服务功能、排除情形、材料、表格、程序、放宽条款、解读。"""
    from pingtai_cli.outputs.explain import outline
    from pingtai_cli.rules.schema import load_ruleset

    o = outline(load_ruleset(key, rulesets_dir), _as_of(as_of))
    if _printed_as_document(fmt, o, render_show_markdown):
        return
    from rich.table import Table

    console = _console()
    console.print(safe_cell(_show_title(o), style="bold"))
    for title, head, rows in show_groups(o):
        table = Table(title=title, title_justify="left", title_style="bold cyan", expand=False)
        for h in head:
            table.add_column(h, overflow="fold")
        for row in rows:
            table.add_row(*(safe_cell(c) for c in row))
        if not rows:
            table.add_row("（无）", *[""] * (len(head) - 1))
        console.print(table)


# ---------------------------------------------------------------- explain


STATUS_WORDS = {"pass": "满足", "fail": "不满足", "missing": "缺少数据", "review": "待人工审核",
                "relaxable": "可放宽", "present": "齐全", "invalid": "无效"}


def _facts_line(example: dict[str, Any]) -> str:
    from pingtai_cli.core.fmt import fmt
    from pingtai_cli.vocab import label_of

    facts = example.get("facts") or {}
    parts = [f"{label_of(k)}={fmt(v)}" for k, v in facts.items()]
    if example.get("yearly"):
        parts.append("运营情况表=" + "，".join(f"{y.get('year')}年{y.get('smes_served')}家" for y in example["yearly"]))
    return "；".join(parts)


def _example_lines(example: dict[str, Any] | None, kind: str) -> list[str]:
    if example is None:
        if kind in ("form", "procedure"):
            return ["（不适用：表格和程序事项不是对申报单位的检查项）"]
        return ["（无：定性条件由评审人员核实，或规则没有可自动构造的示例）"]
    source = {"cases": "规则用例", "synthesised": "按门槛值构造"}.get(example["source"], "示意")
    lines = [f"{example.get('name') or ''}（{source}）"]
    if example.get("description"):
        lines.append(example["description"])
    if example.get("facts") is not None:
        lines.append(f"数据：{_facts_line(example)}" + (f"（检查日 {example['as_of']}）" if example.get("as_of") else ""))
    if example.get("message"):
        status = STATUS_WORDS.get(example.get("status") or "", example.get("status") or "")
        lines.append(f"pingtai：{status} — {example['message']}")
    lines += [f"  {n}" for n in example.get("notes") or []]
    return lines


def explain_sections(e: dict[str, Any]) -> list[tuple[str, list[str]]]:
    """ruff-style headings: 检查内容 / 依据 / 合格示例 / 不合格示例 / 如何整改 / 解读."""
    b = e["basis"]
    basis = [f"{b['article']}：“{b['quote']}”"]
    if b["paragraphs"]:
        basis.append(f"原文（{e['document']}，{b['source_file']}）：")
        for i, p in enumerate(b["paragraphs"]):
            basis.append(("▶ " if i == b["cited_paragraph"] else "  ") + p)
    elif b["source_file"]:
        basis.append(f"（在 {b['source_file']} 中未找到{b['article']}的原文）")
    interp = e["interpretation"]
    reading = [interp["note"]] if interp.get("note") else []
    reading += [f"另一读法（{r['article']}：“{r['quote']}”）：{r['note']}" for r in interp["readings"]]
    reading += [f"变体（{v['article']}）：{v['text']}" for v in interp["variants"]]
    reading += [f"可放宽：{x['code']} {x['name']}（{x['article']}：“{x['quote']}”），由认定机关裁量。"
                for x in interp["relaxable_by"]]
    reading += interp["ruleset_readings"]
    return [
        ("检查内容", [e["what"]]),
        ("依据", basis),
        ("合格示例", _example_lines(e["examples"]["pass"], e["kind"])),
        ("不合格示例", _example_lines(e["examples"]["fail"], e["kind"])),
        ("如何整改", [e["fix"]]),
        ("解读", reading or ["按条文字面执行，无特别解读。"]),
    ]


def _explain_title(e: dict[str, Any]) -> str:
    return f"{e['code']} {e['title']}（{e['jurisdiction_name']} · {e['kind_name']}）"


def render_explain_markdown(e: dict[str, Any]) -> str:
    lines = [f"# {_explain_title(e)}", "", e["document"], ""]
    for head, body in explain_sections(e):
        lines += [f"## {head}", ""] + body + [""]
    return "\n".join(lines)


@rules_app.command("explain")
def explain(
    code: Annotated[str, typer.Argument(help="规则编号，如 NA-B03、XC-M05、SG-P01、HL-R01。")],
    fmt: Annotated[ExplainFormat, typer.Option("--format", "-f", help="输出格式。")] = ExplainFormat.text,
    rulesets_dir: RulesetsDir = None,
    as_of: AsOf = None,
) -> None:
    """解释一条规则：检查什么、依据条文（含原文全文）、合格与不合格示例、如何整改、解读。"""
    from pingtai_cli.outputs.explain import explanation

    e = explanation(code, _as_of(as_of), rulesets_dir)
    if _printed_as_document(fmt, e, render_explain_markdown):
        return

    console = _console()
    say = partial(console.print, soft_wrap=True)  # the terminal folds Chinese anywhere; rich would break at spaces
    say(safe_cell(_explain_title(e), style="bold"))
    say(safe_cell(e["document"], style="dim"))
    for head, body in explain_sections(e):
        console.print()
        say(safe_cell(head, style="bold cyan"))
        for line in body:
            say(safe_cell("  " + line, style="bold" if line.startswith("▶ ") else ""))


# ---------------------------------------------------------------- kinds


def render_kinds_list(kinds: list[dict[str, Any]]) -> str:
    lines = ["规则文件中每条规则用 `check:` 选一种检查类型；`pingtai rules kinds 名称` 查看说明。", ""]
    width = max(len(k["name"]) for k in kinds)
    lines += [f"  {k['name']:<{width}}  {k['title']}：{k['summary']}" for k in kinds]
    return "\n".join(lines) + "\n"


def render_kind(doc: dict[str, Any]) -> str:
    note = "（示例中的 facts 是推导后的事实；每个结论与消息都由测试按引擎的实际输出核对。）"
    return f"# {doc['name']}（{doc['title']}）\n\n{doc['text']}\n\n{note}\n"


@rules_app.command("kinds")
def kinds(
    name: Annotated[str | None, typer.Argument(help="检查类型，如 threshold、any_of；省略时列出全部。")] = None,
    fmt: Annotated[ExplainFormat, typer.Option("--format", "-f", help="输出格式（一种类型的说明：text 与 markdown 相同）。")] = ExplainFormat.text,
) -> None:
    """检查类型的说明（如 `ruff rule`）：检查什么、字段、示例（由测试运行核对）、读法。"""
    from pingtai_cli.rules import kinds as registry

    if name is None:
        if fmt == "json":
            _print_json(registry.listing())
        elif fmt == "markdown":
            sys.stdout.write(registry.table())
        else:
            sys.stdout.write(render_kinds_list(registry.listing()))
        return
    doc = registry.documentation(registry.get(name))
    if fmt == "json":
        _print_json(doc)
    else:
        sys.stdout.write(render_kind(doc))


# ---------------------------------------------------------------- validate


@rules_app.command("validate")
def validate(
    files: Annotated[list[Path], typer.Argument(help="要校验的规则文件（YAML）。", exists=False)],
    rulesets_dir: RulesetsDir = None,
) -> None:
    """校验规则文件：结构、字段、编号、引用；有问题逐行列出（文件:行: 字段: 原因），退出码 2。"""
    from pingtai_cli.api import validate_ruleset

    failed = 0
    for path in files:
        if path.name.startswith("_"):  # _index.yaml and the like: not a ruleset
            echo(f"{path}：跳过（以 _ 开头的文件不是规则文件）")
            continue
        checked = validate_ruleset(path, rulesets_dir)
        problems, warnings, rs = checked.problems, checked.warnings, checked.ruleset
        for w in warnings:
            echo(w)
        if problems:
            failed += 1
            for p in problems:
                echo(p)
            continue
        assert rs is not None  # no problems: validate_file returns the ruleset it loaded
        typer.echo(
            f"{path}：有效 — {rs.name}（{rs.key}），条件 {len(rs.all_rules())} 条，"
            f"材料 {len(rs.materials)} 项，表格 {len(rs.forms)} 项，程序 {len(rs.procedure)} 项"
            + (f"，继承 {rs.extends}" if rs.extends else "")
        )
    if failed:
        typer.echo(f"{failed} 个文件未通过校验。", err=True)
        raise typer.Exit(2)
