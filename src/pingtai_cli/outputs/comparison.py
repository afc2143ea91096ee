"""Jurisdictions side by side: conditions as rows, jurisdictions as columns, as plain data.

Rows are aligned by what a condition means (the fact it tests), not by rule
code: national NA-B03 and shaoguan SG-B03 both test `total_assets`, so they
share the row 资产总额. A cell holds the threshold in words and its article;
a jurisdiction without the condition gets "—（未规定）". Each row says how
the jurisdictions differ, and numeric rows mark the strictest and loosest.

`comparison(rulesets)` is pure. Renderers (report/comparison.py) take any
`Comparison`, so further rows (e.g. a dossier's verdict under every
jurisdiction) can be appended to `rows` before rendering.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from functools import partial
from typing import Any

from pingtai_cli import vocab
from pingtai_cli.core.fmt import fmt
from pingtai_cli.core.models import LEVEL_WORDS, VERDICT_WORDS
from pingtai_cli.outputs.describe import (
    count_text,
    material_qualifiers,
    structure_text,
)
from pingtai_cli.rules.articles import CN_DIGITS, CN_UNITS, cn_to_int, int_to_cn, parse_ref
from pingtai_cli.rules.kinds import kind_of
from pingtai_cli.rules.schema import FunctionReq, Rule, Ruleset
from pingtai_cli.vocab import label_of

ABSENT = "—（未规定）"
NOT_ENCODED = "—（未编码）"  # the text may well set one: the ruleset has not written it down yet
# Basic-condition rows in reading order; a row may gather facts that mean the same thing
# (xuchang counts 自然年度, the others years since registration).
BASIC_ROWS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("legal_person", "独立法人资格", ("is_legal_person", "org_type")),
    ("operating_years", "运营年限", ("operating_years", "full_calendar_years")),
    ("total_assets", "资产总额", ("total_assets",)),
    ("smes_served", "年服务中小企业", ("smes_served",)),
    ("satisfaction_rate", "用户满意度", ("satisfaction_rate",)),
    ("smes_growth", "服务企业数稳步增长", ("smes_growth",)),
    ("agencies_aggregated", "集聚服务机构", ("agencies_aggregated",)),
    ("free_service_share", "公益性服务占比", ("free_service_share",)),
    ("staff_total", "服务人员", ("staff_total",)),
    ("staff_qualified_ratio", "专业人员占比", ("staff_qualified_ratio",)),
    ("service_area", "服务场地面积", ("service_area",)),
    ("prior_recognitions", "已获认定要求", ("prior_recognitions",)),
)
SECTIONS = ("文件", "基本条件", "服务功能", "排除情形", "申报材料", "放宽条款", "程序与期限")


@dataclass
class Column:
    key: str
    name: str
    document: str
    level: str


@dataclass
class Cell:
    text: str
    article: str | None = None
    codes: list[str] = field(default_factory=list)
    value: float | None = None  # the number that ranks strictness, when the row is numeric
    unit: str | None = None
    absent: bool = False
    not_encoded: bool = False  # absent because the ruleset is a draft or says the section is not encoded
    emphasis: str | None = None  # "strictest" | "loosest"
    note: str | None = None  # shown, not compared: what the text calls it, when the texts differ

    def display(self) -> str:
        text = f"{self.text}（{self.note}）" if self.note else self.text
        return f"{text} {self.article}" if self.article else text


@dataclass
class Row:
    id: str
    section: str
    label: str
    cells: dict[str, Cell]
    diff: str = ""  # "一致", or how the jurisdictions differ


@dataclass
class Comparison:
    columns: list[Column]
    rows: list[Row]

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema": "pingtai.compare/1",
            "columns": [asdict(c) for c in self.columns],
            "rows": [asdict(r) for r in self.rows],
        }


def absent() -> Cell:
    return Cell(ABSENT, absent=True)


def missing_cell(rs: Ruleset, section: str) -> Cell:
    """未规定 only when the ruleset vouches for it: a draft, or a section it marks not encoded, is 未编码."""
    if rs.status == "draft" or any(n.section == section for n in rs.not_encoded):
        return Cell(NOT_ENCODED, absent=True, not_encoded=True)
    return absent()


# ---------------------------------------------------------------- building


def comparison(rulesets: list[Ruleset]) -> Comparison:
    """Every row the texts give, aligned by meaning, with differences marked."""
    columns = [
        Column(rs.key, rs.name + ("（草稿）" if rs.status == "draft" else ""), _document(rs),
               LEVEL_WORDS.get(rs.document.level, rs.document.level))
        for rs in rulesets
    ]
    rows = _document_rows(rulesets) + _basic_rows(rulesets) + _function_rows(rulesets)
    rows += _exclusion_rows(rulesets) + _material_rows(rulesets) + _relaxation_rows(rulesets)
    rows += _procedure_rows(rulesets)
    names = {c.key: c.name for c in columns}
    for row in rows:
        mark_differences(row, [c.key for c in columns], names)
    return Comparison(columns, rows)


def _document(rs: Ruleset) -> str:
    return rs.document.cited


def _row(id_: str, section: str, label: str, rulesets: list[Ruleset], cell: Callable[[Ruleset], Cell | None]) -> Row:
    return Row(id_, section, label, {rs.key: cell(rs) or missing_cell(rs, section) for rs in rulesets})


def _document_rows(rulesets: list[Ruleset]) -> list[Row]:
    def until(rs: Ruleset) -> Cell:
        doc = rs.document
        text = f"{doc.in_force_from.isoformat()} 起" + (f"，至 {doc.in_force_until.isoformat()}" if doc.in_force_until else "，未定期限")
        return Cell(text, doc.in_force_article)

    return [
        _row("document.title", "文件", "文件名称", rulesets, lambda rs: Cell(f"《{rs.document.title}》")),
        _row("document.number", "文件", "文号", rulesets, lambda rs: Cell(rs.document.number) if rs.document.number else None),
        _row("document.issuer", "文件", "发布机关", rulesets, lambda rs: Cell(rs.document.issuer)),
        _row("document.level", "文件", "层级", rulesets, lambda rs: Cell(LEVEL_WORDS.get(rs.document.level, rs.document.level))),
        _row("document.issued", "文件", "发布日期", rulesets, lambda rs: Cell(rs.document.issued_text)),
        _row("document.in_force", "文件", "施行期限", rulesets, until),
    ]


def _rule_cell(rules: list[Rule], primary: str | None) -> Cell | None:
    """One cell from the rules of a jurisdiction that test the row's facts."""
    if not rules:
        return None
    texts = []
    for r in rules:
        texts.append(kind_of(r).cell(r, primary))
    articles = list(dict.fromkeys(r.article for r in rules))
    first = rules[0]
    ranked = len(rules) == 1 and kind_of(first).numeric and first.field == primary and first.op in (">=", ">")
    single = first if ranked else None
    return Cell(
        "；".join(texts),
        "、".join(articles),
        [r.code for r in rules],
        value=single.value if single else None,
        unit=single.unit if single else None,
    )


def _walk(rules: Iterable[Rule]) -> list[Rule]:
    return [x for r in rules for x in r.walk()]


def _basic_rows(rulesets: list[Ruleset]) -> list[Row]:
    rows: list[Row] = []
    known = {f for _, _, fields in BASIC_ROWS for f in fields}
    for id_, label, fields in BASIC_ROWS:
        rows.append(_row(f"basic.{id_}", "基本条件", label, rulesets, partial(_basic_cell, fields=fields)))
    extra = [f for rs in rulesets for r in _walk(rs.basic) if (f := r.field) and f not in known]
    for f in dict.fromkeys(extra):
        rows.append(_row(f"basic.{f}", "基本条件", label_of(f), rulesets, partial(_basic_cell, fields=(f,))))

    def qualitative(rs: Ruleset) -> Cell | None:
        rules = [r for r in _walk(rs.basic) if kind_of(r).qualitative]
        return Cell(f"{len(rules)}项", None, [r.code for r in rules]) if rules else None

    rows.append(_row("basic.review", "基本条件", "定性条件（人工审核）", rulesets, qualitative))
    return rows


def _function_rows(rulesets: list[Ruleset]) -> list[Row]:
    def count(rs: Ruleset) -> Cell:
        c = rs.functions.count
        need = max([c.min, *c.by_platform_type.values()])
        if len(rs.functions.items) < need or any(not i.rules for i in rs.functions.items):
            return Cell(f"{count_text(c)}{NOT_ENCODED}", c.article, not_encoded=True)
        return Cell(count_text(c), c.article, value=None if c.by_platform_type else float(c.min))

    rows = [_row("functions.count", "服务功能", "功能要求（至少满足）", rulesets, count)]
    keys = [f.function for rs in rulesets for f in rs.functions.items]
    order = list(vocab.get().functions)  # vocab/functions.yaml
    for key in sorted(dict.fromkeys(keys), key=lambda k: order.index(k) if k in order else len(order)):
        items = [item for rs in rulesets if (item := _function(rs, key)) is not None]
        rules = _walk(r for f in items for r in f.rules)
        plain = len(items) == len(rulesets) and all(kind_of(r).numeric or kind_of(r).qualitative for r in rules)
        if not plain:
            rows.append(_row(f"functions.{key}", "服务功能", f"{items[0].name}（构成）", rulesets,
                             partial(_structure_cell, key=key)))
        for f in dict.fromkeys(r.field for r in rules if kind_of(r).numeric and r.field):
            rows.append(_row(f"functions.{key}.{f}", "服务功能", f"{items[0].name}·{label_of(f)}", rulesets,
                             partial(_function_cell, key=key, field=f)))
    return rows


def _basic_cell(rs: Ruleset, fields: tuple[str, ...]) -> Cell | None:
    return _rule_cell([r for r in _walk(rs.basic) if r.field in fields], fields[0])


def _function(rs: Ruleset, key: str) -> FunctionReq | None:
    return next((f for f in rs.functions.items if f.function == key), None)


def _function_cell(rs: Ruleset, key: str, field: str) -> Cell | None:
    item = _function(rs, key)
    return _rule_cell([r for r in _walk(item.rules) if r.field == field], field) if item else None


def _structure_cell(rs: Ruleset, key: str) -> Cell | None:
    item = _function(rs, key)
    if item is None:
        return None
    return Cell(structure_text(item.rules), item.article, [r.code for r in _walk(item.rules)])


def _exclusion_rows(rulesets: list[Ruleset]) -> list[Row]:
    def cell(rs: Ruleset) -> Cell | None:
        if not rs.exclusions:
            return None
        return Cell("；".join(r.title for r in rs.exclusions), "、".join(dict.fromkeys(r.article for r in rs.exclusions)),
                    [r.code for r in rs.exclusions])

    return [_row("exclusions", "排除情形", "排除情形", rulesets, cell)]


def _material_rows(rulesets: list[Ruleset]) -> list[Row]:
    def count(rs: Ruleset) -> Cell | None:
        if rs.materials:
            articles = list(dict.fromkeys(_base(m.article) for m in rs.materials))
            items = len(dict.fromkeys(m.article for m in rs.materials))  # the text's own 项
            split = f"（分为{len(rs.materials)}种材料）" if items != len(rs.materials) else ""
            return Cell(f"{items}项{split}", "、".join(articles), [m.code for m in rs.materials], value=items)
        if rs.materials_note:
            return Cell("文件未列明，随年度申报通知", rs.materials_note.article)
        return None

    rows = [_row("materials.count", "申报材料", "申报材料（项数）", rulesets, count)]
    keys = dict.fromkeys(m.key for rs in rulesets for m in rs.materials)
    for key in keys:
        name = next(m.name for rs in rulesets for m in rs.materials if m.key == key)
        rows.append(_row(f"materials.{key}", "申报材料", _material_label(key, name), rulesets,
                         partial(_material_cell, key=key)))
    rows.append(_row("forms", "申报材料", "表格", rulesets, _forms_cell))
    return rows


def _material_label(key: str, fallback: str) -> str:
    try:
        from pingtai_cli.intake.materials import name_of

        return name_of(key) or fallback
    except Exception:  # noqa: BLE001 - the catalogue is optional here; the ruleset's name will do
        return fallback


def _material_cell(rs: Ruleset, key: str) -> Cell | None:
    reqs = [m for m in rs.materials if m.key == key]
    if not reqs:
        return Cell("见年度申报通知", rs.materials_note.article) if rs.materials_note and not rs.materials else None
    quals = [q for m in reqs for q in material_qualifiers(m)]
    verb = "需提交" if any(m.required for m in reqs) else "可提交（缺少时仅提示）"
    text = verb + (f"（{'；'.join(dict.fromkeys(quals))}）" if quals else "")
    return Cell(text, "、".join(dict.fromkeys(m.article for m in reqs)), [m.code for m in reqs])


def _forms_cell(rs: Ruleset) -> Cell | None:
    if not rs.forms:
        return None
    return Cell("；".join(f"{f.attachment}《{f.name}》" for f in rs.forms), None, [f.code for f in rs.forms])


def _base(article: str) -> str:
    ref = parse_ref(article)
    return f"第{int_to_cn(ref[0])}条" if ref else article


def covered_articles(rules: list[Rule]) -> str:
    """第十二条（一）（二）（三）（六）: the articles and items a relaxation reaches."""
    items: dict[int, list[int]] = {}
    for r in rules:
        ref = parse_ref(r.article)
        if ref:
            items.setdefault(ref[0], [])
            if ref[1] is not None and ref[1] not in items[ref[0]]:
                items[ref[0]].append(ref[1])
    return "、".join(f"第{int_to_cn(n)}条" + "".join(f"（{int_to_cn(i)}）" for i in sorted(its)) for n, its in items.items())


def _relaxation_rows(rulesets: list[Ruleset]) -> list[Row]:
    def cell(rs: Ruleset) -> Cell | None:
        if not rs.relaxations:
            return None
        parts = []
        for x in rs.relaxations:
            covered = [r for r in rs.all_rules() if x.code in r.relaxable_by]
            reach = covered_articles(covered)
            parts.append(f"{x.name}：{reach or '（未关联条件）'}可放宽")
        return Cell("；".join(parts), "、".join(dict.fromkeys(x.article for x in rs.relaxations)),
                    [x.code for x in rs.relaxations])

    return [_row("relaxations", "放宽条款", "放宽条款", rulesets, cell)]


# Row labels for procedure facts whose wording differs by level (who reports to whom)
PROCEDURE_LABELS = {
    "annual_summary_deadline": "示范平台报送年度工作总结",
    "bureau_report_deadline": "主管部门向上级报送年度情况",
}


def _procedure_rows(rulesets: list[Ruleset]) -> list[Row]:
    ids = dict.fromkeys(p.id for rs in rulesets for p in rs.procedure)
    rows = []
    for pid in ids:
        titles = list(dict.fromkeys(p.title for rs in rulesets for p in rs.procedure if p.id == pid))
        title = titles[0] if len(titles) == 1 else PROCEDURE_LABELS.get(pid, titles[0])

        def cell(rs: Ruleset, pid: str = pid, shared: bool = len(titles) == 1) -> Cell | None:
            p = next((p for p in rs.procedure if p.id == pid), None)
            if p is None:
                return None
            number = p.value if isinstance(p.value, int | float) else None
            note = None if shared else p.title
            return Cell(f"{fmt(p.value)}{p.unit or ''}", p.article, [p.code], value=number, unit=p.unit, note=note)

        rows.append(_row(f"procedure.{pid}", "程序与期限", title, rulesets, cell))
    return rows


# ---------------------------------------------------------------- differences


def _names(keys: list[str], names: dict[str, str]) -> str:
    return "、".join(names.get(k, k) for k in keys)


def _numerals(text: str) -> str:

    numerals = "".join([*CN_DIGITS, *CN_UNITS])
    return re.sub(f"[{numerals}]+", lambda m: str(cn_to_int(m.group(0))), text)


def mark_differences(row: Row, order: list[str], names: dict[str, str] | None = None) -> None:
    """Set `row.diff` and, on numeric rows whose units agree, the strictest and loosest cells."""
    names = names or {}
    present = [k for k in order if k in row.cells and not row.cells[k].absent]
    missing = [k for k in order if k in row.cells and row.cells[k].absent]
    texts = {_numerals(row.cells[k].text) for k in present}  # 每年1次 and 每年一次 say the same
    notes = []
    numeric = [k for k in present if row.cells[k].value is not None]
    units = {row.cells[k].unit for k in numeric}
    if len(texts) > 1 and len(numeric) == len(present) and len(units) == 1 and row.section != "程序与期限":
        values = {k: row.cells[k].value for k in numeric}
        high, low = max(values.values()), min(values.values())  # type: ignore[type-var]
        if high != low:
            for k, v in values.items():
                row.cells[k].emphasis = "strictest" if v == high else "loosest" if v == low else None
            unit = row.cells[numeric[0]].unit or ""
            strict = [k for k, v in values.items() if v == high]
            loose = [k for k, v in values.items() if v == low]
            notes.append(f"最严 {_names(strict, names)}（{fmt(high)}{unit}），最宽 {_names(loose, names)}（{fmt(low)}{unit}）")
    elif len(texts) > 1:
        notes.append("各地不同")
    unencoded = [k for k in order if k in row.cells and row.cells[k].not_encoded]
    missing = [k for k in missing if k not in unencoded]
    if present and missing:
        notes.append(f"{_names(missing, names)}未规定")
    if unencoded:
        notes.append(f"{_names(unencoded, names)}未编码")
    if not present and not unencoded:
        notes.append("均未规定")
    if row.section == "文件":  # who issued what: facts about each text, not differences in law
        notes = []
    row.diff = "；".join(notes) if notes else ("一致" if len(present) > 1 and row.section != "文件" else "")



# ---------------------------------------------------------------- one dossier under every ruleset

OUTSIDE = "注册地不在本地区，需核实"  # the place is inferred (credit code, address): `check` says 待审核


def outside_area(result: Any) -> bool:
    """The credit code or the address places the dossier outside the area the text covers (GB/T
    2260, derive.area_fact). The place is inferred, so `check` leaves it for review (the in_area
    condition): the cell shows that verdict, and says why."""
    fact = (result.facts or {}).get("registered_area")
    return fact is not None and fact.value == "out"


def verdict_word(result: Any) -> str:
    """The verdict `check` gives, with the area note when the applicant seems to lie outside."""
    word = VERDICT_WORDS.get(result.verdict, result.verdict)
    return f"{word}（{OUTSIDE}）" if outside_area(result) else word


def gaps_of(result: Any) -> list[str]:
    """What stands between a dossier and recognition, in words: 资产总额差 180 万元; 缺件：审计报告."""

    out: list[str] = []
    outside = outside_area(result)
    if outside:  # the first place that says so (the credit code, else the address), not every one
        out.append(f"不在本地区：{str(result.facts['registered_area'].raw).split('；')[0]}")
    for c in result.conditions + result.exclusions:
        label = label_of(c.fields[0]) if c.fields else c.name
        if outside and {"registered_area", "region"} & set(c.fields):
            continue  # 在许昌市注册登记 not met: said once, above
        if c.status == "fail":
            out.append(f"排除：{c.name}" if c.group == "exclusion" else f"{label}{c.gap}" if c.gap else f"不满足：{c.name}")
        elif c.status == "missing":
            out.append(f"缺少数据：{label}")
        elif c.status == "relaxable":
            out.append(f"可放宽：{label}{c.gap or ''}")
        elif c.status == "review" and c.fields:  # a measurable condition left for the reviewer
            out.append(f"待审核：{c.name}" if c.group == "exclusion" else f"待审核：{label}")
    if result.functions and result.functions.status != "pass":
        out.append(f"服务功能：满足 {result.functions.met} 项，需 {result.functions.required} 项")
    out += [f"{'缺件' if m.status == 'missing' else '无效'}：{m.name}" for m in result.materials if m.required and m.status in ("missing", "invalid")]
    out += [f"待核实：{m.name}" for m in result.materials if m.required and m.status == "review"]
    if any(f.id == "consistency.credit_code_area" for f in result.findings) and not outside_area(result):
        out.append("注意：统一社会信用代码不在本办法的地区范围内")  # each text recognises its own area
    if result.error:
        out.append(f"无法检查：{result.error}")
    return out


def dossier_rows(results: list[Any]) -> list[Row]:
    """Rows for `compare-jurisdictions --dossier`: the verdict and the gaps under each ruleset."""
    verdict = {r.jurisdiction: Cell(verdict_word(r)) for r in results}
    gaps = {r.jurisdiction: Cell("；".join(gaps_of(r)) or "无") for r in results}
    in_force = {r.jurisdiction: Cell("有效" if r.in_force else "不在有效期内（仅供参考）") for r in results}
    section = "本卷宗"
    return [
        Row("dossier_verdict", section, "结论", verdict, _verdict_diff(results)),
        Row("dossier_gaps", section, "差距", gaps),
        Row("dossier_in_force", section, "办法是否有效", in_force),
    ]


def _verdict_diff(results: list[Any]) -> str:
    ok = [r.jurisdiction_name for r in results if r.verdict == "eligible" and not outside_area(r)]
    away = [r.jurisdiction_name for r in results if outside_area(r)]
    pending = [r.jurisdiction_name for r in results if r.verdict == "review" and not outside_area(r)]
    words = "；".join(
        ([f"符合：{'、'.join(ok)}"] if ok else []) + ([f"待审核：{'、'.join(pending)}"] if pending else [])
    ) or "均不符合或不全"
    return words + (f"；注册地不在本地区（需核实）：{'、'.join(away)}" if away else "")


def summary_line(results: list[Any]) -> str:
    """`national：资产总额差 180 万元 | liaoning：符合条件`: the gaps in words, else the verdict word."""
    parts = []
    for r in results:
        gaps = gaps_of(r)
        shown = "；".join(gaps) if gaps and (r.verdict != "eligible" or outside_area(r)) else verdict_word(r)
        parts.append(f"{r.jurisdiction}：{shown}")
    return " | ".join(parts)
