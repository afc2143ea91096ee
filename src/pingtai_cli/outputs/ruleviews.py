"""`rules list`, `rules show`, `rules explain` and `rules kinds` as words: the rows, headings and Markdown a person reads.

outputs/explain.py gathers what the law says as plain data (`outline`, `explanation`); this
module turns that data into the groups of rows and the sections both the terminal tables
(cli/commands/rules.py) and `--format markdown` print, so the two views never drift apart.
Nothing here imports rich or pydantic.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from pingtai_cli.core.fmt import fmt
from pingtai_cli.core.models import LEVEL_WORDS
from pingtai_cli.rules.kinds.base import STATUS_WORDS as CONDITION_WORDS
from pingtai_cli.vocab import label_of

# ---------------------------------------------------------------- list


def in_force_words(s: dict[str, Any], on: date) -> str:
    """现行 / 未施行 / 已失效 of one `rules list` summary (rules/files.py: summary) on a date."""
    if s.get("in_force") is None:
        return "？"
    if s["in_force"]:
        return f"现行（至 {s['in_force_until']}）" if s.get("in_force_until") else "现行"
    if s.get("in_force_from") and s["in_force_from"] > on.isoformat():
        return f"未施行（{s['in_force_from']} 起）"
    return f"已失效（{s['in_force_until']} 止）"


LIST_HEAD = ("地区", "办法（文号）", "发布机关", "发布日期", "是否现行", "规则/材料")


def list_row(r: dict[str, Any]) -> tuple[list[str], bool]:
    """The cells of one ruleset in `rules list`, and whether it is invalid (its file does not load)."""
    if "error" in r:  # the message quotes the file
        return [r["key"], f"无效：{r['error']}（运行 pingtai rules validate 查看）", "", "", "", ""], True
    doc = f"《{r['title']}》" + (f"（{r['number']}）" if r.get("number") else "（无文号）")
    doc += "" if r["shipped"] else f"\n{r['file']}"
    doc += "\n（草稿：待逐条确认，检查结论为待审核）" if r.get("status") == "draft" else ""
    issuer = f"{r['issuer']}（{LEVEL_WORDS.get(r['level'], str(r['level']))}）"
    cells = [f"{r['key']}\n{r['name']}", doc, issuer, r["issued"], r["in_force_words"]]
    return [*cells, f"{r['rules']} / {r['materials']}"], False


# ---------------------------------------------------------------- show


GROUPS = ("基本条件", "服务功能", "排除情形", "申报材料", "表格", "程序与期限", "放宽条款", "解读说明")
RULE_HEAD = ["编号", "条件", "要求", "条文", "备注"]


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


def show_title(o: dict[str, Any]) -> str:
    until = f"，至 {o['in_force_until']}" if o.get("in_force_until") else ""
    state = "现行" if o["in_force"] else "非现行"
    return f"{o['name']}（{o['key']}）{o['document']}，{o['issuer']}，{o['issued']} 发布，{o['in_force_from']} 起施行{until}，{state}"


def render_show_markdown(o: dict[str, Any]) -> str:
    """`rules show --format markdown`."""
    lines = [f"# {show_title(o)}", ""]
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


# ---------------------------------------------------------------- explain


# a condition's words, and a material's
STATUS_WORDS = {**CONDITION_WORDS, "present": "齐全", "invalid": "无效"}


def _facts_line(example: dict[str, Any]) -> str:
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


def explain_title(e: dict[str, Any]) -> str:
    return f"{e['code']} {e['title']}（{e['jurisdiction_name']} · {e['kind_name']}）"


def render_explain_markdown(e: dict[str, Any]) -> str:
    """`rules explain --format markdown`."""
    lines = [f"# {explain_title(e)}", "", e["document"], ""]
    for head, body in explain_sections(e):
        lines += [f"## {head}", ""] + body + [""]
    return "\n".join(lines)


# ---------------------------------------------------------------- kinds


def render_kinds_list(kinds: list[dict[str, Any]]) -> str:
    """`rules kinds`: one line a check kind (rules/kinds: listing)."""
    lines = ["规则文件中每条规则用 `check:` 选一种检查类型；`pingtai rules kinds 名称` 查看说明。", ""]
    width = max(len(k["name"]) for k in kinds)
    lines += [f"  {k['name']:<{width}}  {k['title']}：{k['summary']}" for k in kinds]
    return "\n".join(lines) + "\n"


def render_kind(doc: dict[str, Any]) -> str:
    """`rules kinds NAME`: a kind's documentation (rules/kinds: documentation)."""
    note = "（示例中的 facts 是推导后的事实；每个结论与消息都由测试按引擎的实际输出核对。）"
    return f"# {doc['name']}（{doc['title']}）\n\n{doc['text']}\n\n{note}\n"
