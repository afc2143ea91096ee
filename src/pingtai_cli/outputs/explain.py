"""What `rules show` and `rules explain` say about the encoded law, as plain data.

`outline(ruleset)` groups every entry of a ruleset; `explanation(code)` gathers,
for one code of any kind (rule, material, form, procedure fact, relaxation),
what it checks, the article with its quote and full text from the shipped
policy text, a passing and a failing example (the ruleset's cases when there
are any, otherwise synthesised from the threshold and run through the engine),
how to fix it and how pingtai reads it. The CLI renders these dicts; `--format
json` prints them as they are.
"""

from __future__ import annotations

import difflib
from datetime import date
from pathlib import Path
from typing import Any, Literal

from pingtai_cli import vocab
from pingtai_cli.core.errors import PingtaiError, UnknownRule
from pingtai_cli.core.fmt import fmt
from pingtai_cli.core.nested import map_leaves
from pingtai_cli.engine.cases import run_case
from pingtai_cli.outputs.describe import (
    count_text,
    material_qualifiers,
    requirement_text,
    rule_line,
    structure_text,
)
from pingtai_cli.rules.articles import find_article, parse_ref, policy_path
from pingtai_cli.rules.cases import RuleCase
from pingtai_cli.rules.cases import examples as shipped
from pingtai_cli.rules.files import available, policy_dirs
from pingtai_cli.rules.kinds import kind_of
from pingtai_cli.rules.kinds.threshold import requirement_variant
from pingtai_cli.rules.schema import (
    Form,
    MaterialReq,
    ProcedureFact,
    Relaxation,
    Rule,
    Ruleset,
    load_ruleset,
)
from pingtai_cli.vocab import label_of

FILLED_BY = {"applicant": "申报单位", "bureau": "推荐部门（主管部门）"}
Entry = Rule | MaterialReq | Form | ProcedureFact | Relaxation


# ---------------------------------------------------------------- rules show


def document_line(rs: Ruleset) -> str:
    doc = rs.document
    return doc.cited


def header(rs: Ruleset, on: date) -> dict[str, Any]:
    doc = rs.document
    return {
        "key": rs.key,
        "name": rs.name,
        "extends": rs.extends,
        "document": document_line(rs),
        "title": doc.title,
        "number": doc.number,
        "issuer": doc.issuer,
        "level": doc.level,
        "issued": doc.issued_text,
        "in_force_from": doc.in_force_from.isoformat(),
        "in_force_until": doc.in_force_until.isoformat() if doc.in_force_until else None,
        "in_force": rs.in_force(on),
        "source_file": doc.source_file,
        "parent": doc.parent,
        "recognition_title": doc.recognition_title,
    }


def relaxation_line(rs: Ruleset, relax: Relaxation) -> dict[str, Any]:
    covers = [r.code for r in rs.all_rules() if relax.code in r.relaxable_by]
    return {
        "code": relax.code,
        "name": relax.name,
        "flags": [label_of(f) for f in relax.flags],
        "fields": list(relax.flags),
        "article": relax.article,
        "quote": relax.quote,
        "discretionary": relax.discretionary,
        "covers": covers,
    }


def outline(rs: Ruleset, on: date) -> dict[str, Any]:
    """Every entry of a ruleset in the groups a reader of the text expects."""
    count = rs.functions.count
    report = getattr(rs, "application_report", None)
    return {
        "schema": "pingtai.ruleset-outline/1",
        **header(rs, on),
        "basic": [rule_line(r) for r in rs.basic],
        "functions": {
            "count": {"text": count_text(count), "article": count.article, "quote": count.quote,
                      "min": count.min, "by_platform_type": dict(count.by_platform_type)},
            "items": [
                {"function": f.function, "name": f.name, "article": f.article,
                 "structure": structure_text(f.rules), "rules": [rule_line(r) for r in f.rules]}
                for f in rs.functions.items
            ],
        },
        "exclusions": [rule_line(r) for r in rs.exclusions],
        "materials": [
            {"code": m.code, "key": m.key, "name": m.name, "article": m.article,
             "qualifiers": material_qualifiers(m), "required": m.required}
            for m in rs.materials
        ],
        "materials_note": {"article": rs.materials_note.article, "quote": rs.materials_note.quote}
        if rs.materials_note else None,
        "forms": [
            {"code": f.code, "id": f.id, "name": f.name, "attachment": f.attachment,
             "filled_by": FILLED_BY.get(f.filled_by, f.filled_by), "article": f.article}
            for f in rs.forms
        ],
        "application_report": {"article": report.article, "sections": list(report.sections)} if report else None,
        "procedure": [
            {"code": p.code, "id": p.id, "title": p.title, "value": fmt(p.value) + (p.unit or ""), "article": p.article}
            for p in rs.procedure
        ],
        "relaxations": [relaxation_line(rs, r) for r in rs.relaxations],
        "readings": list(rs.readings),
    }


# ---------------------------------------------------------------- locating a code


def _entries(rs: Ruleset) -> list[tuple[str, Entry]]:
    out: list[tuple[str, Entry]] = []
    exclusion_codes = {r.code for x in rs.exclusions for r in x.walk()}
    for r in rs.all_rules():
        out.append(("exclusion" if r.code in exclusion_codes else "rule", r))
    out += [("rule", r) for r in filter(None, [rs.area_rule()])]  # LN-A01: listed for an outsider only
    out += [("material", m) for m in rs.materials]
    out += [("form", f) for f in rs.forms]
    out += [("procedure", p) for p in rs.procedure]
    out += [("relaxation", r) for r in rs.relaxations]
    return out


def find_code(code: str, extra: Path | None = None) -> tuple[Ruleset, str, Entry]:
    """The ruleset, kind and entry of a code; only files whose text mentions the code are loaded."""
    code = code.strip().upper()
    files = available(extra)
    likely = [k for k, p in files.items() if code in _text(p)]
    for key in likely + [k for k in files if k not in likely]:
        rs = load_ruleset(key, extra)
        for kind, entry in _entries(rs):
            if entry.code == code:
                return rs, kind, entry
    known = [e.code for k in likely or files for _, e in _entries(load_ruleset(k, extra))]
    close = difflib.get_close_matches(code, known, n=3)
    hint = f"，是否要找：{'、'.join(close)}" if close else ""
    raise UnknownRule(f"找不到规则编号 {code}{hint}。用 `pingtai rules show 地区` 查看全部编号。")


def _text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8").upper()
    except OSError:
        return ""


# ---------------------------------------------------------------- the article


def basis(rs: Ruleset, entry: Entry, extra: Path | None = None) -> dict[str, Any]:
    """Article, quote and the article's full text from the policy text the ruleset names."""
    out: dict[str, Any] = {"article": entry.article, "quote": entry.quote, "source_file": rs.document.source_file,
                           "article_text": None, "paragraphs": [], "cited_paragraph": None}
    if not rs.document.source_file:
        return out
    rs_file = available(extra).get(rs.key)
    path = policy_path(rs.document.source_file, policy_dirs(rs_file))
    found = find_article(path, entry.article) if path else None
    if found:
        article, index = found
        out.update(article_text=article.text, paragraphs=article.paragraphs, cited_paragraph=index)
    return out


# ---------------------------------------------------------------- examples


def _synth(rule: Rule, passing: bool) -> dict[str, Any] | None:
    """Facts that make a rule pass (or fail), built from its own numbers; None when not possible."""
    return kind_of(rule).synthesise(rule, passing)


def _jsonable(value: Any) -> Any:
    """A case's facts as JSON holds them: dates as ISO text, keys as text."""
    return map_leaves(value, lambda v: v.isoformat() if isinstance(v, date) else v, key=str)


def run_example(rs: Ruleset, code: str, case: Any, source: str) -> dict[str, Any]:
    """A case as `explain` shows it, with what the engine says (the cases driver's own runner)."""

    out = {"source": source, "name": case.name, "facts": _jsonable(dict(case.facts)),
           "yearly": _jsonable(list(case.yearly)) or None, "as_of": case.as_of.isoformat(), "expected": case.status}
    try:
        result = run_case(rs, code, case)
    except Exception as e:  # noqa: BLE001 - an example is informative; a broken one must not stop explain
        return {**out, "status": None, "message": f"（示例无法运行：{type(e).__name__}: {e}）", "notes": []}
    return {**out, "status": result.status, "message": result.message, "notes": list(result.notes)}


def synthesised_case(rule: Rule, want: Literal["pass", "fail"], on: date) -> Any:
    """A case built from the rule's own numbers, or None when they do not allow one."""

    facts = _synth(rule, want == "pass")
    if facts is None:
        return None
    return RuleCase(name=_synth_name(rule, want), as_of=on, facts=facts, status=want)


def examples(rs: Ruleset, kind: str, rule: Rule, on: date, extra: Path | None = None) -> dict[str, Any]:
    """One passing and one failing example: the ruleset's cases, else synthesised from the rule."""

    try:
        cases = shipped(rs, rule.code, extra)
    except PingtaiError:  # a malformed cases file: fall back to synthesised examples
        cases = {}
    out: dict[str, Any] = {}
    wants: tuple[Literal["pass", "fail"], ...] = ("pass", "fail")
    for want in wants:
        if want in cases:
            out[want] = run_example(rs, rule.code, cases[want], "cases")
            continue
        case = synthesised_case(rule, want, on) if kind == "rule" else None
        out[want] = run_example(rs, rule.code, case, "synthesised") if case else None
    return out


def _synth_name(rule: Rule, want: str) -> str:
    return kind_of(rule).case_name(rule, want)


def examples_for(rs: Ruleset, kind: str, entry: Entry, on: date, extra: Path | None = None) -> dict[str, Any]:
    if isinstance(entry, Rule):
        return examples(rs, kind, entry, on, extra)
    if isinstance(entry, MaterialReq):
        return material_examples(entry, on)
    if isinstance(entry, Relaxation):
        return relaxation_examples(rs, entry, on)
    return {"pass": None, "fail": None}


def material_examples(req: MaterialReq, on: date) -> dict[str, Any]:
    """A folder that satisfies the material, and one that does not (the first validity rule broken)."""
    name = _material_file_name(req)
    kinds = vocab.get().validity  # vocab/validity.yaml: what a conforming file shows, and one that is not
    good = {k: v.dated(v.met, on) for k, v in kinds.items() if v.met}
    bad = {k: v.dated(v.unmet, on) for k, v in kinds.items() if v.unmet}
    quals = [good[v] for v in req.validity if v in good]
    passing = f"申报文件夹中有“{name}”" + (f"（{'，'.join(quals)}）" if quals else "") + "。"
    broken = next((bad[v] for v in req.validity if v in bad), None)
    failing = f"“{name}”{broken}：材料无效。" if broken else "申报文件夹中没有可识别为该材料的文件：材料缺少。"
    if not req.required:
        failing = "申报文件夹中没有该材料：仅提示，不算缺件。"
    return {
        "pass": {"source": "illustration", "name": "材料齐全有效", "description": passing, "status": "present"},
        "fail": {"source": "illustration", "name": "材料缺少或无效", "description": failing,
                 "status": "review" if not req.required else ("invalid" if broken else "missing")},
    }


def _material_file_name(req: MaterialReq) -> str:
    try:
        from pingtai_cli.intake.materials import catalogue

        words = catalogue()[req.key].file_names
    except Exception:  # noqa: BLE001 - fall back to the name the text gives
        words = ()
    return f"{words[0] if words else req.name}.pdf"


def relaxation_examples(rs: Ruleset, relax: Relaxation, on: date) -> dict[str, Any]:
    """The first covered threshold, failed: with the relaxation claimed it is `relaxable`, without it `fail`."""
    rule = next((r for r in rs.all_rules() if relax.code in r.relaxable_by and kind_of(r).numeric), None)
    facts = _synth(rule, False) if rule else None
    if rule is None or facts is None:
        return {"pass": None, "fail": None}

    flags = {f: True for f in relax.flags}
    claimed = RuleCase(name=f"{rule.code} 未达标，声明适用放宽条款", as_of=on, facts={**facts, **flags}, status="relaxable")
    unclaimed = RuleCase(name=f"{rule.code} 未达标，未声明放宽条款", as_of=on, facts=facts, status="fail")
    return {"pass": run_example(rs, rule.code, claimed, "synthesised"),
            "fail": run_example(rs, rule.code, unclaimed, "synthesised")}


# ---------------------------------------------------------------- what it checks, how to fix


def what_text(kind: str, entry: Entry, rs: Ruleset) -> str:
    if isinstance(entry, Rule):
        return _rule_what(kind, entry)
    if isinstance(entry, MaterialReq):
        return _material_what(entry)
    if isinstance(entry, Form):
        who = FILLED_BY.get(entry.filled_by, entry.filled_by)
        tpl = "pingtai 附带模板，可用 `pingtai forms` 生成。" if entry.template else "pingtai 未附带此表模板。"
        return f"表格“{entry.name}”（{entry.attachment}），由{who}填写。{tpl}"
    if isinstance(entry, ProcedureFact):
        return f"程序事项“{entry.title}”：{fmt(entry.value)}{entry.unit or ''}。这是认定程序中的期限或频次，不是对申报单位的检查项。"
    line = relaxation_line(rs, entry)
    flags = "、".join(f"“{f}”" for f in line["flags"])
    covered = "、".join(line["covers"]) or "（无）"
    return (f"放宽条款“{entry.name}”：申报单位在申请表中声明{flags}为“是”时，下列条件不达标不直接判为不符合，"
            f"而记为“可放宽”，结论为“待审核”，由认定机关裁量：{covered}。")


def _rule_what(kind: str, rule: Rule) -> str:
    if kind == "exclusion":
        field = f"“{label_of(rule.field)}”（{rule.field}）" if rule.field else ""
        return (f"排除情形：申请表{field}逐行比对，出现下列任一表述即属于“{rule.title}”，不能参加认定；"
                "可能属于的交人工审核（结论为“待审核”）；未填写的为缺少数据（没有认定请填“无”）。")
    return kind_of(rule).what(rule)


def _material_what(req: MaterialReq) -> str:
    quals = "、".join(material_qualifiers(req) + ([] if req.required else ["缺少时仅提示，不算缺件"]))
    text = f"申报材料“{req.name}”（材料键 {req.key}）须在申报文件夹中" + (f"，要求：{quals}" if quals else "") + "。"
    try:
        from pingtai_cli.intake.materials import catalogue

        material = catalogue().get(req.key)
    except Exception:  # noqa: BLE001 - the catalogue is another module's; explain works without it
        material = None
    if material is not None:
        ways = []
        if material.file_names:
            ways.append("文件名含“" + "”“".join(material.file_names[:5]) + "”")
        if material.titles:
            ways.append("首页标题为“" + "”“".join(material.titles[:3]) + "”")
        if material.sheet:
            ways.append(f"申请表中的名单工作表（{material.sheet}）")
        if ways:
            text += "pingtai 按" + "，或".join(ways) + "识别该材料。"
    return text


def fix_text(kind: str, entry: Entry) -> str:
    if isinstance(entry, Rule) and entry.fix:
        return entry.fix
    if isinstance(entry, MaterialReq):
        quals = "、".join(material_qualifiers(entry))
        return f"把“{entry.name}”放入申报文件夹，文件名写明材料名称便于识别" + (f"；注意：{quals}" if quals else "") + "。"
    if isinstance(entry, Rule) and (kind != "exclusion" or kind_of(entry).qualitative):
        return kind_of(entry).fix(entry)
    if kind == "exclusion":
        return "属于该情形的单位不参加本级认定；已获更高层级认定的，按该层级的规定管理。"
    if isinstance(entry, Form):
        if entry.filled_by == "bureau":
            return f"《{entry.name}》由推荐部门填写，申报单位无需提交。"
        tool = "，可用 `pingtai forms` 生成初稿" if entry.template else ""
        return f"按{entry.attachment}的格式填写《{entry.name}》{tool}。"
    if isinstance(entry, Relaxation):
        return "符合放宽情形的，在申请表相应栏目填“是”并附证明；是否放宽由认定机关决定。"
    return "程序事项，无需申报单位整改。"


def _readings_about(rs: Ruleset, article: str) -> list[str]:
    """The ruleset's reading notes whose first citation is this article (and item)."""
    want = parse_ref(article)
    return [r for r in rs.readings if want is not None and parse_ref(r) == want]


def interpretation(rs: Ruleset, kind: str, entry: Entry) -> dict[str, Any]:
    out: dict[str, Any] = {
        "note": getattr(entry, "note", None),
        "readings": [],
        "variants": [],
        "relaxable_by": [],
        "ruleset_readings": _readings_about(rs, entry.article),
    }
    if isinstance(entry, Rule):
        out["readings"] = [{"article": r.article, "quote": r.quote, "note": r.note, "value": r.value}
                           for r in entry.readings]
        out["variants"] = [{"article": v.article, "quote": v.quote, "text": requirement_variant(v, entry.unit)}
                           for v in entry.variants]
        relaxes = [rs.relaxation(c) for c in entry.relaxable_by]
        out["relaxable_by"] = [{"code": x.code, "name": x.name, "article": x.article, "quote": x.quote}
                               for x in relaxes if x is not None]
    return out


KIND_WORDS = {"rule": "条件", "exclusion": "排除情形", "material": "申报材料", "form": "表格",
              "procedure": "程序与期限", "relaxation": "放宽条款"}


def explanation(code: str, on: date, extra: Path | None = None) -> dict[str, Any]:
    """Everything `rules explain CODE` shows, for a code of any kind."""
    rs, kind, entry = find_code(code, extra)
    title = getattr(entry, "title", None) or getattr(entry, "name", "")
    out: dict[str, Any] = {
        "schema": "pingtai.explain/1",
        "code": entry.code,
        "kind": kind,
        "kind_name": KIND_WORDS[kind],
        "title": title,
        "jurisdiction": rs.key,
        "jurisdiction_name": rs.name,
        "document": document_line(rs),
        "what": what_text(kind, entry, rs),
        "requirement": requirement_text(entry) if isinstance(entry, Rule) else None,
        "basis": basis(rs, entry, extra),
        "examples": examples_for(rs, kind, entry, on, extra),
        "fix": fix_text(kind, entry),
        "interpretation": interpretation(rs, kind, entry),
    }
    if isinstance(entry, Rule):
        out["rule"] = rule_line(entry)
    return out
