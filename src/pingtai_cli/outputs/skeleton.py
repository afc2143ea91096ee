"""The skeleton of an applicant's dossier (`pingtai init`): the form a jurisdiction's rules need.

`build_skeleton` is pure: a ruleset and a date give the form's sections, the
yearly table's years and the list of materials, each row carrying its unit and
the threshold with its article. The renderers turn that into 申请表.xlsx,
材料清单.md and README.txt; `write_dossier` writes them atomically and refuses a
non-empty folder unless forced. The workbook is laid out for the label-finding
reader of spec §1.1: label in column A, value in B, unit in C, hint in D.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from pingtai_cli import vocab
from pingtai_cli.core.errors import OutputExists, PingtaiError, os_reason
from pingtai_cli.core.files import write_atomic
from pingtai_cli.core.fmt import fmt
from pingtai_cli.rules.kinds import kind_of
from pingtai_cli.rules.kinds.threshold import bound
from pingtai_cli.rules.schema import FunctionReq, MaterialReq, Rule, Ruleset, When
from pingtai_cli.vocab import FactKey, label_of

WORKBOOK_NAME = "申请表.xlsx"
MATERIALS_NAME = "材料清单.md"
README_NAME = "README.txt"
FORM_SHEET = "基本信息"
YEARLY_SHEET = "运营情况"
MATERIALS_SHEET = "材料清单"

YEARS_SHOWN = 3
ALWAYS = (
    "org_name",
    "platform_name",
    "credit_code",
    "org_type",
    "registration_date",
    "region",
    "registered_address",
    "legal_representative",
    "registered_capital",
    "functions_declared",
)
CONTACT = ("contact_person", "contact_phone", "email", "postal_code", "website", "application_date")
CONTACT_IF_ASKED = ("mobile_phone", "fax")  # when a form of the jurisdiction prints them
BASIC_KEYS = (
    "org_name", "platform_name", "credit_code", "org_type", "registration_date", "region",
    "registered_address", "legal_representative", "registered_capital", "total_assets",
    "service_area", "staff_total", "staff_qualified", "platform_type",
)  # fmt: skip
PERFORMANCE_KEYS = (
    "smes_served",
    "satisfaction_rate",
    "agencies_aggregated",
    "free_service_share",
    "prior_recognitions",
)
SECTION_TITLES = (  # numbered in order of appearance (一、二、…), as sections may be absent
    "单位基本情况",
    "服务业绩",
    "服务功能",
    "放宽与认定情况",
    "申请报告所需信息",
    "联系方式",
)
BOOL_CHOICES = ("是", "否")
# The form's columns. The reader (extract/excel.py) takes the first non-empty cell
# right of a label as its value, skipping empty ones, and stops at a note (注：…):
# so every row carries a note right after the value cell, and the unit comes after
# the note — a bare 万元 next to an empty value cell would be read as the value.
FORM_HEADERS = ("项目", "填写内容", "说明", "单位")
COL_LABEL, COL_VALUE, COL_HINT, COL_UNIT = 1, 2, 3, 4
NOTE_PREFIX = "注："


# ---------------------------------------------------------------- the model


@dataclass(frozen=True)
class FormRow:
    """One label | value | unit | hint row of the form sheet."""

    key: str
    label: str
    unit: str | None
    hint: str
    choices: tuple[str, ...] = ()  # a dropdown list
    strict: bool = True  # only the listed choices are accepted
    as_text: bool = False  # the value cell is formatted as text


@dataclass(frozen=True)
class FormSection:
    title: str
    rows: tuple[FormRow, ...]
    level: int = 1  # 2: a function's sub-section under 三、服务功能


@dataclass(frozen=True)
class MaterialRow:
    number: int
    key: str
    code: str
    name: str
    article: str
    quote: str
    requirements: tuple[str, ...]  # 原件, 加盖公章, 上一年度（2025年）…
    file_name: str  # suggested, e.g. 03审计报告2025.pdf
    alternative: str | None = None  # a workbook sheet or a report section that also satisfies it
    note: str | None = None
    required: bool = True


@dataclass(frozen=True)
class Skeleton:
    jurisdiction: str
    jurisdiction_name: str
    title: str  # 国家中小企业公共服务示范平台申请表
    recognition_title: str
    document: str  # 《…》（文号）
    issuer: str
    as_of: date
    in_force: bool
    sections: tuple[FormSection, ...]
    years: tuple[int, ...]
    yearly_hints: tuple[str, ...]
    materials: tuple[MaterialRow, ...]
    materials_note: str | None = None  # when the text lists no materials (shaoguan 第九条)
    materials_note_article: str | None = None
    code_prefix: str = "XX"  # of the ruleset's rule codes (SG-B01 → SG), for the extends example
    user_ruleset: bool = False  # not shipped: `check` needs --rulesets-dir to find it

    @property
    def rows(self) -> list[FormRow]:
        return [r for s in self.sections for r in s.rows]


# ---------------------------------------------------------------- which facts a ruleset needs


def inputs_of(key: str) -> tuple[str, ...]:
    """The form keys a fact comes from: itself, or the inputs of a derived fact (vocab/facts.yaml)."""
    derived = vocab.get().derived.get(key)
    return derived.inputs if derived is not None and derived.inputs is not None else (key,)


def _when_text(when: When) -> str:
    """再次申报 / 不具有独立法人资格 / 平台类型为“综合性”."""
    label = label_of(when.field)
    if isinstance(when.equals, bool):
        if when.field in vocab.get().derived:
            return label if when.equals else f"不{label}"
        if label.startswith("是否") and when.equals:
            return label.removeprefix("是否")
    return f"{label}为“{fmt(when.equals)}”"


def _bound(op: str, value: float | None, unit: str | None) -> str:
    return bound(op, value, unit)


def _requirement(rule: Rule) -> str:
    """What a rule asks of its field, in the words of a form's 说明 column, with the article."""
    return f"{kind_of(rule).form_hint(rule)}（{rule.article}）"


def _rule_hints(rule: Rule, prefix: str = "") -> Iterator[tuple[str, str]]:
    """(input key, hint) for every field a rule, its variants, readings and options test."""
    if rule.field:
        for key in inputs_of(rule.field):
            yield key, prefix + _requirement(rule)
    for v in rule.variants:
        text = f"{_when_text(v.when)}时{label_of(rule.field or '')}{_bound(rule.op, v.value, rule.unit)}（{v.article}）"
        for key in inputs_of(rule.field or "") + inputs_of(v.when.field):
            yield key, prefix + text
    for r in rule.readings:
        target = r.field or rule.field or ""
        other = label_of(target) if target != rule.field and target in vocab.get().derived else ""
        text = (
            f"另一读法：{other}{_bound(rule.op, r.value, rule.unit)}"
            if r.value is not None
            else f"另一读法：{r.note}"
        )
        for key in inputs_of(target):
            yield key, f"{prefix}{text}（{r.article}）"
    for option in rule.options:
        for sub in option.rules:
            yield from _rule_hints(sub, f"{prefix}{option.name}：")


def _function_hints(item: FunctionReq) -> list[tuple[str, str]]:
    return [kv for rule in item.rules for kv in _rule_hints(rule)]


def _relaxation_hints(rs: Ruleset) -> Iterator[tuple[str, str]]:
    for relax in rs.relaxations:
        for flag in relax.flags:
            for key in inputs_of(flag):
                yield key, f"{relax.quote}（{relax.article}）"


def _count_hint(rs: Ruleset) -> str:
    count = rs.functions.count
    if count.by_platform_type:
        need = "，".join(f"{k}平台至少满足{v}项" for k, v in count.by_platform_type.items())
    else:
        need = f"至少满足{count.min}项"
    return f"{need}功能要求（{count.article}）"


def _functions_hint(rs: Ruleset) -> str:
    names = "、".join(item.name.removesuffix("服务") for item in rs.functions.items)
    return f"可多选，用顿号分隔：{names}；{_count_hint(rs)}"


def _material_hints(rs: Ruleset) -> Iterator[tuple[str, str]]:
    for req in rs.materials:
        if req.when is not None:
            for key in inputs_of(req.when.field):
                yield key, f"{_when_text(req.when)}时须提交“{req.name}”（{req.article}）"


def needed_inputs(rs: Ruleset) -> dict[str, list[str]]:
    """Form key → hints, for every input the ruleset's rules, relaxations and materials test.

    Derived facts are mapped back to their inputs (operating_years → registration_date);
    smes_growth needs the yearly table, which is not a form row.
    """
    hints: dict[str, list[str]] = {}
    pairs: list[tuple[str, str]] = []
    for rule in rs.basic:
        pairs += _rule_hints(rule)
    for item in rs.functions.items:
        pairs += _function_hints(item)
    for rule in rs.exclusions:
        pairs += [(k, f"不予认定：{h}") for k, h in _rule_hints(rule)]
    pairs += _relaxation_hints(rs)
    pairs += _material_hints(rs)
    if rs.functions.count.by_platform_type:
        pairs.append(("platform_type", _count_hint(rs)))
    if rs.area is not None and not any(k == "region" for k, _ in pairs):
        pairs.append(("region", f"本办法适用于{rs.area.name}（{rs.area.article}）"))
    for key, hint in pairs:
        for target in _declared_inputs(key, rs):
            bucket = hints.setdefault(target, [])
            if hint not in bucket:
                bucket.append(hint)
    return hints


def _declared_inputs(key: str, rs: Ruleset) -> list[str]:
    """The form rows a key needs: a region set is read from the credit code, a declared ratio or
    growth from its two facts or the yearly table (not a row), anything else is its own row."""
    if key.startswith("region:"):
        return ["credit_code"]
    declared = rs.declared_fact(key)
    if declared is not None and (declared.ratio is not None or declared.growth is not None):
        return declared.inputs()
    return [key]


# ---------------------------------------------------------------- the form


def _choices(key: str, rs: Ruleset) -> tuple[tuple[str, ...], bool]:
    fk = vocab.get().facts.get(key)
    declared = rs.declared_fact(key) if fk is None else None
    if (fk is not None and fk.kind == "bool") or (declared is not None and declared.type == "bool"):
        return BOOL_CHOICES, True
    if key == "platform_type":
        types = tuple(rs.functions.count.by_platform_type) or ("综合性", "专业性")
        return types, True
    if key == "org_type" and fk is not None:
        return tuple(t.strip() for t in fk.hint.split("/")), False  # other kinds exist (…)
    return (), True


def _form_label(key: str, rs: Ruleset) -> str | None:
    """The label a rule of this text names for the key (shaoguan: 办公场所面积, 专职从业人数), so the
    form asks for the figure the clause tests, not a neighbour under the same key."""
    fk = vocab.get().facts.get(key)
    for rule in rs.all_rules():
        if rule.field == key and rule.labels and (fk is None or rule.labels[0] in fk.labels):
            return rule.labels[0]
    return None


def _row(key: str, rule_hints: list[str], rs: Ruleset) -> FormRow:
    fk = vocab.get().facts.get(key)
    declared = rs.declared_fact(key) if fk is None else None
    if declared is not None:  # the reader finds it by this label (derive.read_declared)
        fk = FactKey(key, (declared.label,), declared.type, declared.unit)
    base = _functions_hint(rs) if key == "functions_declared" else (fk.hint if fk else "")
    if key == "region" and rs.area:  # the area the text recognises platforms of
        base = f"写到县（市、区），应在{rs.area.name}内，如 {rs.area.name}某某区"
    hint = "；".join(h for h in (base, *rule_hints) if h)
    if not hint:
        is_bool = fk is not None and fk.kind == "bool"
        hint = (fk.default_hint if fk else "") or ("从下拉列表中选择 是 或 否" if is_bool else "如实填写")
    choices, strict = _choices(key, rs)
    return FormRow(
        key=key,
        label=_form_label(key, rs) or (fk.labels[0] if fk else key),
        unit=fk.unit if fk else None,
        hint=hint,
        choices=choices,
        strict=strict,
        as_text=fk is not None and fk.as_text,
    )


def _function_sections(
    rs: Ruleset, hints: dict[str, list[str]], placed: set[str]
) -> list[FormSection]:
    sections = []
    for number, item in enumerate(rs.functions.items, start=1):
        keys = _unique(k for k, _ in _function_hints(item) if k not in placed)
        placed.update(keys)
        if keys:
            title = f"（{_cn_number(number)}）{item.name}（{item.article}）"
            sections.append(FormSection(title, tuple(_row(k, hints[k], rs) for k in keys), level=2))
    return sections


def _unique(keys: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(keys))


def _cn_number(n: int) -> str:
    digits = "零一二三四五六七八九十"
    return digits[n] if n <= 10 else str(n)


def form_sections(rs: Ruleset, form_keys: Iterable[str] = ()) -> list[FormSection]:
    """The form sheet's sections: basic data, performance, functions, relaxations, what the
    applicant's forms print besides (`form_keys`), contacts."""
    hints = needed_inputs(rs)
    wanted = _unique([*ALWAYS, *hints])
    facts = vocab.get().facts
    order = {key: i for i, key in enumerate(facts)}
    asked = sorted(
        (k for k in set(form_keys) if k in facts and facts[k].kind != "bool"), key=order.__getitem__
    )
    wanted += [k for k in asked if k in BASIC_KEYS and k not in wanted]
    for key in CONTACT:
        hints.setdefault(key, [])
    for key in wanted:
        hints.setdefault(key, [])
    basic = [k for k in BASIC_KEYS if k in wanted]
    performance = [k for k in PERFORMANCE_KEYS if k in wanted]
    placed = {*basic, *performance, "functions_declared", *CONTACT}
    functions = _function_sections(rs, hints, placed)
    rest = [k for k in wanted if k not in placed]
    placed.update(rest)
    contact = [*CONTACT, *(k for k in CONTACT_IF_ASKED if k in asked)]
    for_forms = _unique(k for k in asked if k not in placed and k not in contact)
    for key in [*for_forms, *contact]:
        hints.setdefault(key, [])
    numbers = iter("一二三四五六七八九")

    def section(title: str, keys: list[str]) -> FormSection:
        return FormSection(f"{next(numbers)}、{title}", tuple(_row(k, hints[k], rs) for k in keys))

    t_basic, t_perf, t_func, t_relax, t_forms, t_contact = SECTION_TITLES
    out = [section(t_basic, basic)]
    if performance:
        out.append(section(t_perf, performance))
    out.append(section(t_func, ["functions_declared"]))
    out += functions
    if rest:
        out.append(section(t_relax, rest))
    if for_forms:
        out.append(section(t_forms, for_forms))
    out.append(section(t_contact, contact))
    return out


def _yearly_hints(rs: Ruleset) -> list[str]:
    texts = []
    for rule in rs.basic:
        for r in rule.walk():
            if r.field == "smes_growth":
                texts.append(f"{r.title}（{r.article}）：按各年度“服务中小企业数”逐年比较")
    return texts


def last_years(as_of: date, count: int = YEARS_SHOWN) -> tuple[int, ...]:
    """The completed years before as_of, oldest first: 2026-03-15 → (2023, 2024, 2025)."""
    return tuple(range(as_of.year - count, as_of.year))


# ---------------------------------------------------------------- materials


def _requirements(req: MaterialReq, as_of: date) -> tuple[str, ...]:
    words: list[str] = (
        [] if req.copy_kind == "原件或复印件" else [req.copy_kind]
    )  # the text says nothing
    kinds = vocab.get().validity
    words += [kinds[v].dated(kinds[v].require, as_of) if v in kinds else v for v in req.validity]
    if req.when is not None:
        words.append(f"仅{_when_text(req.when)}时提交")
    if not req.required:
        words.append("选交")
    return tuple(words) or ("—",)


def suggested_file_name(number: int, req: MaterialReq, as_of: date) -> str:
    """`03审计报告2025.pdf`: a number for order, a name pingtai recognises, the year or month it is for."""
    v = vocab.get()
    material = v.materials.get(req.key)
    stem = material.stem if material and material.stem else req.name[:10]
    # the first dated kind, in the vocabulary's order (上一年度 before 提交当月)
    dated = next((k for k in v.validity.values() if k.stem and k.key in req.validity), None)
    if dated is not None:
        stem += dated.dated(dated.stem, as_of)
    ext = ".docx" if material and material.docx else ".pdf"
    return f"{number:02d}{stem}{ext}"


def _alternative(key: str) -> str | None:
    """Where else the material may be given (spec §2): a sheet of this workbook or a report section."""
    v = vocab.get()
    entry = v.materials.get(key)
    if entry is None:
        return None
    if entry.sheet and entry.sheet in v.list_sheets:
        return f"或填写申请表“{v.list_sheets[entry.sheet].sheet}”工作表"
    if entry.report_sections:
        return "或写入申请报告的相应章节"
    return None


def material_rows(rs: Ruleset, as_of: date) -> list[MaterialRow]:
    return [
        MaterialRow(
            number=n,
            key=req.key,
            code=req.code,
            name=req.name,
            article=req.article,
            quote=req.quote,
            requirements=_requirements(req, as_of),
            file_name=suggested_file_name(n, req, as_of),
            alternative=_alternative(req.key),
            note=req.note,
            required=req.required,
        )
        for n, req in enumerate(rs.materials, start=1)
    ]


# ---------------------------------------------------------------- the skeleton


def build_skeleton(rs: Ruleset, as_of: date, form_keys: Iterable[str] = ()) -> Skeleton:
    """Everything `init` writes, as data: no I/O, no openpyxl.

    `form_keys` are the facts the applicant's forms print (their templates' variables):
    the form asks for those no rule needs as well.
    """
    doc = rs.document
    document = doc.cited
    note = rs.materials_note if not rs.materials else None
    return Skeleton(
        jurisdiction=rs.key,
        jurisdiction_name=rs.name,
        title=f"{doc.recognition_title}申请表",
        recognition_title=doc.recognition_title,
        document=document,
        issuer=doc.issuer,
        as_of=as_of,
        in_force=rs.in_force(as_of),
        sections=tuple(form_sections(rs, form_keys)),
        years=last_years(as_of),
        yearly_hints=tuple(_yearly_hints(rs)),
        materials=tuple(material_rows(rs, as_of)),
        materials_note=note.quote if note else None,
        materials_note_article=note.article if note else None,
        code_prefix=rs.basic[0].code.split("-")[0] if rs.basic else "XX",
    )


# ---------------------------------------------------------------- 材料清单.md and README.txt


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def extends_example(sk: Skeleton) -> str:
    """A ruleset that adds this year's material list to a text that lists none."""
    year = sk.as_of.year
    key = f"{sk.jurisdiction}_{year}"
    prefix = sk.code_prefix
    return (
        f"# {key}.yaml —— 放在 --rulesets-dir 指定的目录中，检查时用 --jurisdiction {key}\n"
        f"key: {key}\n"
        f"name: {sk.jurisdiction_name}（{year}年申报通知）\n"
        f"extends: {sk.jurisdiction}\n"
        "materials:\n"
        f"  - code: {prefix}-M01\n"
        "    key: application_report          # 材料键，可用的键见下文\n"
        "    name: 申请报告\n"
        f"    article: {year}年申报通知\n"
        "    quote: 照录通知中该项材料的原文\n"
        "    copy_kind: 原件\n"
        f"  - code: {prefix}-M02\n"
        "    key: audit_report\n"
        "    name: 上一年度审计报告\n"
        f"    article: {year}年申报通知\n"
        "    quote: 照录通知中该项材料的原文\n"
        "    validity: [previous_year]\n"
    )


def materials_markdown(sk: Skeleton) -> str:
    lines = [
        f"# 材料清单：{sk.recognition_title}",
        "",
        f"- 依据：{sk.document}，{sk.issuer}",
        f"- 生成日期：{sk.as_of.isoformat()}（“上一年度”指 {sk.as_of.year - 1} 年，“提交当月”指 {sk.as_of.year} 年 {sk.as_of.month} 月）",
        f"- 检查：`pingtai check 本文件夹 --jurisdiction {sk.jurisdiction}`",
        "",
    ]
    if sk.materials:
        lines += _materials_table(sk)
    if sk.materials_note is not None:
        lines += _materials_note_md(sk)
    return "\n".join(lines).rstrip() + "\n"


def _materials_table(sk: Skeleton) -> list[str]:
    lines = ["| 序号 | 材料 | 依据条款 | 要求 | 建议文件名 | 状态 |", "|---|---|---|---|---|---|"]
    for m in sk.materials:
        file_name = f"`{m.file_name}`" + (f"（{m.alternative}）" if m.alternative else "")
        cells = [f"{m.number:02d}", m.name, m.article, "、".join(m.requirements), file_name, "☐"]
        lines.append("| " + " | ".join(_md_cell(c) for c in cells) + " |")
    lines += ["", "## 条文原文", ""]
    for m in sk.materials:
        lines.append(f"{m.number:02d}. **{m.name}**（{m.article}）：“{m.quote}”")
        if m.note:
            lines.append(f"    说明：{m.note}")
    lines.append("")
    return lines


def _materials_note_md(sk: Skeleton) -> list[str]:
    return [
        "## 本办法未列出申报材料",
        "",
        f"{sk.document}没有列出申报材料清单，只规定：“{sk.materials_note}”（{sk.materials_note_article}）。",
        "因此本清单为空，`pingtai check` 也不检查材料是否齐全：请以当年申报通知列出的材料为准。",
        "",
        "如需让 pingtai 按当年通知检查材料，在一个自己的规则目录中新建一个继承本办法的规则文件，",
        "照录通知中的每项材料（依据条款和原文），再用 `--rulesets-dir 该目录` 和新的地区键运行：",
        "",
        "```yaml",
        extends_example(sk).rstrip(),
        "```",
        "",
        f"然后运行 `pingtai init 新文件夹 --jurisdiction {sk.jurisdiction}_{sk.as_of.year} --rulesets-dir 该目录`，",
        *_validity_lines(),
        "",
        "可用的材料键（pingtai 能按文件名和内容识别）：",
        "",
        *[f"- `{key}`：{name}" for key, name in _material_keys()],
        "",
    ]


def _validity_lines() -> list[str]:
    """`validity` 可取 seal（加盖公章）、…, over two lines, the last kind on the second."""
    kinds = [f"{k}（{v.word}）" for k, v in vocab.get().validity.items()]
    first = "生成的材料清单即包含这些材料。`validity` 可取 " + "".join(f"{k}、" for k in kinds[:-1])
    return [first, f"{kinds[-1]}；`copy_kind` 可取 原件、复印件、原件或复印件。"]


def _material_keys() -> list[tuple[str, str]]:
    """Material keys of spec §2 with their names (vocab/materials.yaml)."""
    return [(k, m.name) for k, m in vocab.get().materials.items() if not m.extra]


def readme_text(sk: Skeleton) -> str:
    # `pingtai check` reads this file like any other in the folder, so its words must
    # not make it look like a material (a form title, “示范平台…名单…通知”, “真实…声明”).
    lines = [
        f"申报材料文件夹使用说明（pingtai init 于 {sk.as_of.isoformat()} 生成，地区：{sk.jurisdiction_name}）",
        f"依据：{sk.document}",
        "",
        f"1. 打开“{WORKBOOK_NAME}”，在“{FORM_SHEET}”表的浅黄色单元格中填写。“单位”列是数值的单位，"
        "“说明”列是认定条件和条款。金额可写“320万元”“3,200,000元”，日期可写“2019年3月15日”，"
        "是/否 项从下拉列表中选择。不要改动左列的项目名称。",
        f"2. “{YEARLY_SHEET}”表按年度填写近三年数据（金额单位：万元）。",
        "3. 人员、服务企业、设备、合作单位四个列表工作表从第2行起每行填写一项，不要改动表头。",
        f"4. 按“{MATERIALS_NAME}”（或申请表“{MATERIALS_SHEET}”表）准备材料，PDF、扫描件或照片放入本文件夹，"
        "文件名可参照“建议文件名”。",
        f"5. 自查：pingtai check 本文件夹 --jurisdiction {sk.jurisdiction}"
        + ("（本地区的规则文件不随 pingtai 安装：另加 --rulesets-dir 指向主管部门提供的规则文件夹）" if sk.user_ruleset else ""),
    ]
    if sk.materials_note is not None:
        lines.append(
            f"注意：本办法未列出申报材料（{sk.materials_note_article}），以当年申报通知为准，详见“{MATERIALS_NAME}”。"
        )
    if not sk.in_force:
        lines.append(f"注意：该办法在 {sk.as_of.isoformat()} 不在有效期内，请确认适用的办法。")
    return "\r\n".join(lines) + "\r\n"  # read on Windows, in Notepad


# ---------------------------------------------------------------- writing


def _put(ws: Any, row: int, col: int, value: Any) -> Any:
    """Write a cell; text that looks like a formula (= + - @) stays text (issue 6)."""
    cell = ws.cell(row=row, column=col)
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"
        if value[:1] in ("=", "+", "-", "@"):
            cell.quotePrefix = True
    return cell


@dataclass
class _Styles:
    """openpyxl styles, built once per workbook (openpyxl is imported only when writing)."""

    title: Any = None
    section: Any = None
    subsection: Any = None
    header: Any = None
    wrap: Any = None
    center: Any = None
    fill_value: Any = None
    fill_section: Any = None
    fill_header: Any = None
    border: Any = None

    @classmethod
    def make(cls) -> _Styles:
        from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

        thin = Side(style="thin", color="A6A6A6")
        return cls(
            title=Font(bold=True, size=15),
            section=Font(bold=True, size=12),
            subsection=Font(bold=True),
            header=Font(bold=True),
            wrap=Alignment(wrap_text=True, vertical="center"),
            center=Alignment(horizontal="center", vertical="center", wrap_text=True),
            fill_value=PatternFill("solid", fgColor="FFF8DC"),
            fill_section=PatternFill("solid", fgColor="DDEBF7"),
            fill_header=PatternFill("solid", fgColor="D9D9D9"),
            border=Border(left=thin, right=thin, top=thin, bottom=thin),
        )


def _print_setup(ws: Any, landscape: bool, title_rows: str) -> None:
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.print_title_rows = title_rows
    ws.page_margins.left = ws.page_margins.right = 0.5


def _widths(ws: Any, widths: Iterable[float]) -> None:
    from openpyxl.utils import get_column_letter

    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = w


def _header_row(ws: Any, row: int, headers: Iterable[str], st: _Styles) -> None:
    for col, text in enumerate(headers, start=1):
        cell = _put(ws, row, col, text)
        cell.font, cell.fill, cell.border, cell.alignment = (
            st.header,
            st.fill_header,
            st.border,
            st.center,
        )


def _merged_line(ws: Any, row: int, last_col: int, text: str, font: Any, fill: Any = None) -> Any:
    cell = _put(ws, row, 1, text)
    cell.font = font
    if fill is not None:
        cell.fill = fill
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=last_col)
    return cell


def _add_list_validation(ws: Any, choices: tuple[str, ...], strict: bool, ref: str) -> None:
    from openpyxl.worksheet.datavalidation import DataValidation

    dv = DataValidation(type="list", formula1='"' + ",".join(choices) + '"', allow_blank=True)
    dv.showErrorMessage = strict
    dv.error = "请从下拉列表中选择"
    dv.errorTitle = "输入值无效"
    ws.add_data_validation(dv)
    dv.add(ref)


def _form_sheet(ws: Any, sk: Skeleton, st: _Styles) -> None:
    ws.title = FORM_SHEET
    _merged_line(ws, 1, 4, sk.title, st.title).alignment = st.center
    ws.row_dimensions[1].height = 30
    intro = f"依据{sk.document}。请在浅黄色单元格中填写；“说明”列为认定条件及条款，“单位”列为数值的单位。"
    _merged_line(ws, 2, 4, intro, st.header).alignment = st.wrap
    ws.row_dimensions[2].height = 30
    _header_row(ws, 3, FORM_HEADERS, st)
    row = 4
    for index, section in enumerate(sk.sections):
        # A blank row before each section title: the reader looks below a label whose
        # right side holds no value, and must find nothing there rather than the title.
        row += 1 if index else 0
        font = st.section if section.level == 1 else st.subsection
        _merged_line(ws, row, 4, section.title, font, st.fill_section).border = st.border
        row += 1
        for fr in section.rows:
            _form_row(ws, row, fr, st)
            row += 1
    _widths(ws, (36, 34, 64, 8))
    ws.freeze_panes = "B4"
    _print_setup(ws, landscape=False, title_rows="3:3")


def _form_row(ws: Any, row: int, fr: FormRow, st: _Styles) -> None:
    label = _put(ws, row, COL_LABEL, fr.label)
    value = ws.cell(row=row, column=COL_VALUE)
    hint = _put(ws, row, COL_HINT, NOTE_PREFIX + fr.hint)
    unit = _put(ws, row, COL_UNIT, fr.unit)
    for cell in (label, value, unit, hint):
        cell.border, cell.alignment = st.border, st.wrap
    unit.alignment = st.center
    value.fill = st.fill_value
    if fr.as_text:
        value.number_format = "@"
    if fr.choices:
        _add_list_validation(ws, fr.choices, fr.strict, value.coordinate)
    lines = max(1, len(fr.hint) // 30 + 1, len(fr.label) // 17 + 1)
    if lines > 1:
        ws.row_dimensions[row].height = 15 * min(lines, 6)


def _yearly_sheet(ws: Any, sk: Skeleton, st: _Styles) -> None:
    ws.title = YEARLY_SHEET
    headers = vocab.get().yearly.headers
    _merged_line(
        ws, 1, len(headers), "运营情况（金额单位：万元；服务中小企业数单位：家）", st.section
    )
    _header_row(ws, 2, headers, st)
    for i, year in enumerate(sk.years, start=3):
        _put(ws, i, 1, year).border = st.border
        for col in range(2, len(headers) + 1):
            cell = ws.cell(row=i, column=col)
            cell.fill, cell.border = st.fill_value, st.border
    note_row = 3 + len(sk.years) + 1
    for j, text in enumerate(sk.yearly_hints):
        _put(ws, note_row + j, 1, NOTE_PREFIX + text)
    _widths(ws, (10, *([14] * (len(headers) - 1))))
    ws.freeze_panes = "B3"
    _print_setup(ws, landscape=True, title_rows="2:2")


def _list_sheet(ws: Any, sheet: vocab.ListSheet, st: _Styles) -> None:
    """A list sheet of vocab/lists.yaml: its headers, their notes and dropdowns."""
    from openpyxl.comments import Comment
    from openpyxl.utils import get_column_letter

    ws.title = sheet.sheet
    headers = sheet.headers
    _header_row(ws, 1, headers, st)
    for col, column in enumerate(sheet.columns, start=1):
        if column.note:
            ws.cell(row=1, column=col).comment = Comment(column.note, "pingtai")
        if column.choices:
            letter = get_column_letter(col)
            _add_list_validation(ws, column.choices, True, f"{letter}2:{letter}2000")
    _widths(ws, [max(12, 4 * len(h) + 4) for h in headers])
    ws.freeze_panes = "A2"
    _print_setup(ws, landscape=len(headers) > 4, title_rows="1:1")


MATERIAL_HEADERS = ("序号", "材料", "依据条款", "原文", "要求", "建议文件名", "状态")


def _materials_sheet(ws: Any, sk: Skeleton, st: _Styles) -> None:
    ws.title = MATERIALS_SHEET
    last = len(MATERIAL_HEADERS)
    _merged_line(ws, 1, last, f"{sk.recognition_title}申报材料清单", st.title).alignment = st.center
    _merged_line(
        ws, 2, last, f"依据{sk.document}；“状态”列由申报单位填写。", st.header
    ).alignment = st.wrap
    _header_row(ws, 3, MATERIAL_HEADERS, st)
    row = 4
    for m in sk.materials:
        file_name = m.file_name + (f"（{m.alternative}）" if m.alternative else "")
        values = (
            f"{m.number:02d}",
            m.name,
            m.article,
            m.quote,
            "、".join(m.requirements),
            file_name,
            "",
        )
        for col, v in enumerate(values, start=1):
            cell = _put(ws, row, col, v)
            cell.border, cell.alignment = st.border, st.wrap
        ws.cell(row=row, column=last).fill = st.fill_value
        ws.row_dimensions[row].height = 15 * min(6, max(2, len(m.quote) // 22 + 1))
        row += 1
    if sk.materials:
        _add_list_validation(ws, ("已备齐", "待补充", "不适用"), False, f"G4:G{row - 1}")
    if sk.materials_note is not None:
        text = (
            f"本办法未列出申报材料：“{sk.materials_note}”（{sk.materials_note_article}）。"
            f"请以当年申报通知为准；如何让 pingtai 按通知检查材料，见“{MATERIALS_NAME}”。"
        )
        _merged_line(ws, row, last, text, st.header).alignment = st.wrap
        ws.row_dimensions[row].height = 45
    _widths(ws, (6, 30, 16, 48, 22, 26, 10))
    ws.freeze_panes = "A4"
    _print_setup(ws, landscape=True, title_rows="3:3")


def workbook_bytes(sk: Skeleton) -> bytes:
    """The 申请表.xlsx of a skeleton, as bytes (so writing it can be atomic)."""
    import io

    from openpyxl import Workbook

    st = _Styles.make()
    wb = Workbook()
    _form_sheet(wb.active, sk, st)
    _yearly_sheet(wb.create_sheet(), sk, st)
    for sheet in vocab.get().list_sheets.values():
        _list_sheet(wb.create_sheet(), sheet, st)
    _materials_sheet(wb.create_sheet(), sk, st)
    wb.properties.title = sk.title
    wb.properties.creator = "pingtai"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def output_files(sk: Skeleton) -> dict[str, bytes]:
    """File name → content, for everything `init` writes."""
    return {
        WORKBOOK_NAME: workbook_bytes(sk),
        MATERIALS_NAME: materials_markdown(sk).encode("utf-8"),
        README_NAME: readme_text(sk).encode("utf-8-sig"),
    }


def write_dossier(sk: Skeleton, directory: Path, force: bool = False) -> list[Path]:
    """Create the skeleton's files in `directory`; a non-empty folder needs `force`.

    With force only the files init creates are replaced; nothing else is touched.
    """
    if directory.exists() and not directory.is_dir():
        raise PingtaiError(f"{directory} 已存在且不是文件夹。")
    if directory.is_dir() and not force and any(directory.iterdir()):
        raise OutputExists(
            f"文件夹 {directory} 不是空的。使用 --force 覆盖其中的 {WORKBOOK_NAME}、{MATERIALS_NAME}、"
            f"{README_NAME}（其他文件不会被改动或删除），或换一个新文件夹。"
        )
    files = output_files(sk)  # render everything before writing anything
    created = _missing_folders(directory)
    written: list[Path] = []
    new_files = [directory / name for name in files if not (directory / name).exists()]
    current = directory
    try:
        directory.mkdir(parents=True, exist_ok=True)
        for name, data in files.items():
            target = current = directory / name
            if target.is_dir():
                raise PingtaiError(f"无法写入 {target}：同名文件夹已存在。")
            write_atomic(target, data)
            written.append(target)
    except BaseException as e:
        _undo(written, new_files, created)  # a full disk leaves no half skeleton, no empty folder
        if isinstance(e, OSError):
            where = e.filename or current
            raise PingtaiError(f"无法写入 {where}（{os_reason(e)}），未创建申报材料文件夹。") from e
        raise
    return written


def _missing_folders(directory: Path) -> list[Path]:
    """The folders `mkdir(parents=True)` will create, deepest first."""
    out = []
    for p in (directory, *directory.parents):
        if p.exists():
            break
        out.append(p)
    return out


def _undo(written: list[Path], new_files: list[Path], created: list[Path]) -> None:
    import contextlib

    for path in written:
        if path in new_files:
            with contextlib.suppress(OSError):
                path.unlink()
    for folder in created:
        with contextlib.suppress(OSError):
            folder.rmdir()  # only when empty: nothing of anyone else's is removed
