"""`pingtai rules new`: a first draft of a ruleset from a policy text, for a person to confirm.

The text is split into articles and items with the article parser (articles.py). In the
articles that set conditions, each number with its unit in the wording of a threshold
(不低于N万元, N家以上, N%以上, 不少于N人, N人次以上, N次以上, N亿元以上) becomes a
threshold rule: its article and item, its clause quoted verbatim, and a fact key proposed
from the vocabulary (drafting.yaml). The count rule (至少N项), the materials list, the
附件 forms, 公示N个工作日, 有效期N年, 每年N月底, and the 放宽 and 不再参与 clauses are drafted
too. Everything carries `status: draft`: a check under a draft ruleset is never a
confident verdict (evaluate.temper) until a person has confirmed each entry.

Pure: text in, a ruleset mapping out. Writing files is the command's business.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any

from pingtai_cli import vocab
from pingtai_cli.core.errors import PingtaiError
from pingtai_cli.rules import kinds
from pingtai_cli.rules.articles import ITEM_HEAD, Article, cn_to_int, int_to_cn, split_articles
from pingtai_cli.rules.articles import split_articles as split
from pingtai_cli.rules.kinds import kind_of
from pingtai_cli.vocab import function_label, label_of
from pingtai_cli.vocab import function_of as normalise_function

NUM = r"(?P<num>[0-9０-９]+(?:[.．][0-9０-９]+)?|[一二两三四五六七八九十百]+)"
UNIT = r"(?P<unit>万元|亿元|平方米|人次|个自然年度|家|人|次|年|%|％)"
SP = r"[\s\u3000]*"
THRESHOLD_WORDING = [
    re.compile(rf"不低于{SP}{NUM}{SP}{UNIT}"),
    re.compile(rf"不少于[^，,。；;]{{0,8}}?{NUM}{SP}{UNIT}"),
    re.compile(rf"{NUM}{SP}{UNIT}{SP}(?:（含）)?{SP}以上"),
]
COUNT_WORDING = re.compile(rf"至少(?:满足)?{SP}{NUM}{SP}项")
BY_TYPE_WORDING = re.compile(rf"([\u4e00-\u9fa5]{{2,4}}?)平台至少(?:满足)?{SP}{NUM}{SP}项")
BOUNDARY = re.compile(r"[，,；;。：:]|（(?!含)|\((?!含)")
CLAUSE_END = re.compile(r"[，,；;。]")
MATERIALS_HEAD = re.compile(r"(需|应|须)?(提交|报送)(下列|以下|如下)?(申报)?材料|申报材料")
FORM_REF = re.compile(
    r"《?([^《》（()，,。；;、]{2,40}?(?:推荐汇总表|推荐表|申请报告|申报报告|真实性声明|申请表|申报表|承诺书))》?"
    r"\s*[（(]\s*见?\s*附件\s*([0-9一二三四五六七八九十]+)\s*[）)]"
)
PUBLICITY = re.compile(rf"公示{SP}{NUM}{SP}个?工作日")
VALIDITY = re.compile(rf"有效期{SP}(?:为)?{SP}{NUM}{SP}年")
DEADLINE = re.compile(rf"每年{SP}{NUM}{SP}月底")
UNIT_NAMES = {"％": "%", "个自然年度": "年"}
LEVEL_CUES = (("county", ("县", "区")), ("city", ("市",)), ("province", ("省", "自治区")),
              ("national", ("国家", "工业和信息化部", "工信部")))


@lru_cache(maxsize=1)
def vocabulary() -> dict[str, Any]:
    from importlib import resources

    import yaml

    text = resources.files("pingtai_cli").joinpath("drafting.yaml").read_text("utf-8")
    return yaml.safe_load(text)


def fold(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


def number(text: str) -> float:
    text = unicodedata.normalize("NFKC", text)
    return float(text) if re.fullmatch(r"[0-9.]+", text) else float(cn_to_int(text))


# ---------------------------------------------------------------- where a clause is


@dataclass
class Item:
    """One citable unit: an article's item （一）, or an article's own paragraph."""

    article: Article
    number: int | None
    text: str  # the paragraph without its item marker

    @property
    def ref(self) -> str:
        head = self.article.heading
        return f"{head}（{int_to_cn(self.number)}）" if self.number is not None else head


def items_of(article: Article) -> list[Item]:
    out = []
    for i, p in enumerate(article.paragraphs):
        m = ITEM_HEAD.match(p)
        if m:
            out.append(Item(article, cn_to_int(m.group(1)), p[m.end():]))
        else:
            text = re.sub(rf"^第[{_NUMERALS}]+条\s*", "", p) if i == 0 else p
            out.append(Item(article, None, text))
    return out


_NUMERALS = "零〇一二两三四五六七八九十百"


def clause_around(text: str, start: int, end: int) -> tuple[str, str]:
    """(the quote: from the last boundary before the match to its end, the whole clause around it)."""
    bounds = [m.end() for m in BOUNDARY.finditer(text, 0, start)]
    q_start = bounds[-1] if bounds else 0
    c_bounds = [m.end() for m in CLAUSE_END.finditer(text, 0, start)]
    c_start = c_bounds[-1] if c_bounds else 0
    after = CLAUSE_END.search(text, end)
    c_end = after.start() if after else len(text)
    return text[q_start:end].strip(), text[c_start:c_end].strip()


def in_parentheses(text: str, pos: int) -> bool:
    before = text[:pos]
    return before.count("（") + before.count("(") > before.count("）") + before.count(")")


# ---------------------------------------------------------------- candidates


@dataclass
class Candidate:
    article: str
    quote: str
    value: float
    unit: str
    key: str | None
    function: str | None = None
    note: str | None = None
    option: int = 0  # which 或-branch of a function item it is in
    when: dict[str, Any] | None = None  # the clause gives this number only when a fact holds


def variant_condition(quote: str) -> dict[str, Any] | None:
    """{field, equals} when the clause says its number applies only in a case (再次认定时 …)."""
    for entry in vocabulary().get("variants", []):
        if any(fold(c) in fold(quote) for c in entry["cues"]):
            return {"field": entry["field"], "equals": entry["equals"]}
    return None


def function_of(item: Item) -> str | None:

    head = re.split(r"[。.，,：:]", item.text, maxsplit=1)[0]
    return normalise_function(head) if len(head) <= 8 else None


def propose_key(prefix: str, clause: str, unit: str, function: str | None) -> list[str]:
    """Fact keys the vocabulary proposes: cues just before the number first, then the whole clause."""
    entries = [e for e in vocabulary()["thresholds"] if unit in e["units"] and e.get("function") in (None, function)]
    for text in (fold(prefix), fold(clause)):
        hits = [e["key"] for e in entries if any(fold(c) in text for c in e["cues"])]
        if hits:
            return hits
    return []


def threshold_candidates(item: Item, function: str | None = None) -> list[Candidate]:
    text = item.text
    seen: set[int] = set()
    out: list[Candidate] = []
    for pattern in THRESHOLD_WORDING:
        for m in pattern.finditer(text):
            if m.start("num") in seen:
                continue
            seen.add(m.start("num"))
            unit = UNIT_NAMES.get(m.group("unit"), m.group("unit"))
            quote, clause = clause_around(text, m.start(), m.end())
            keys = propose_key(quote, clause, unit, function)
            if "分别" not in clause:
                keys = keys[:1]
            note = "括号内的另一门槛：可能是某情形下的另一数值（variants），请核对。" if in_parentheses(text, m.start()) else None
            option = len(re.findall(r"[；;，,]\s*或", text[: m.start()]))
            when = variant_condition(quote)
            for key in (keys or [None]):  # type: ignore[list-item]  # None: no key proposed
                out.append(Candidate(item.ref, quote, number(m.group("num")), unit, key, function, note, option, when))
    return sorted(out, key=lambda c: text.find(c.quote))


def flag_candidates(item: Item) -> list[tuple[str, str]]:
    """(fact key, quote) of the clauses that are flags (具有独立法人资格, 稳步增长)."""
    out = []
    for entry in vocabulary()["flags"]:
        for cue in entry["cues"]:
            pos = item.text.find(cue)
            if pos >= 0:
                quote, _ = clause_around(item.text, pos, pos + len(cue))
                out.append((entry["key"], quote))
                break
    return out


# ---------------------------------------------------------------- the draft


@dataclass
class Drafter:
    key: str
    text: str
    source_file: str
    prefix: str
    parent: Any = None  # the parent Ruleset with --extends
    numbers: dict[str, int] = field(default_factory=dict)
    declared: list[dict[str, Any]] = field(default_factory=list)
    region_sets: list[dict[str, Any]] = field(default_factory=list)  # stubs named by 珠三角地区… clauses
    readings: list[str] = field(default_factory=list)

    def code(self, letter: str) -> str:
        self.numbers[letter] = self.numbers.get(letter, 0) + 1
        return f"{self.prefix}-{letter}{self.numbers[letter]:02d}"

    def parent_code(self, section: str, fact: str | None, function: str | None = None) -> str | None:
        """With --extends, the parent's code for the same condition, so the child overrides it."""
        if self.parent is None or fact is None:
            return None
        if section == "basic":
            rules = [x for r in self.parent.basic for x in r.walk()]
        else:
            rules = [x for f in self.parent.functions.items if f.function == function for r in f.rules for x in r.walk()]
        return next((r.code for r in rules if r.field == fact and kind_of(r).numeric), None)

    def parent_rule(self, code: str) -> Any:
        """The parent's rule with this code (None without --extends or for a new code)."""
        if self.parent is None:
            return None
        rules = [x for r in self.parent.basic for x in r.walk()]
        rules += [x for f in self.parent.functions.items for r in f.rules for x in r.walk()]
        return next((r for r in rules if r.code == code), None)

    def new_fact(self, label: str, unit: str, kind: str = "number") -> str:
        if kind == "number" and unit == "%" and SERVICE_SHARE.search(label):  # both are yearly-table columns
            if not any(f["key"] == "service_revenue_share" for f in self.declared):
                self.declared.append({"key": "service_revenue_share", "label": label[:30], "unit": "%", "type": "number",
                                      "ratio": {"numerator": "service_revenue", "denominator": "revenue", "percent": True}})
            return "service_revenue_share"
        key = f"draft_fact_{sum(f['key'].startswith('draft_fact_') for f in self.declared) + 1}"
        self.declared.append({"key": key, "label": label[:30], "unit": unit if kind == "number" else None,
                              "type": kind})
        return key


def threshold_rule(d: Drafter, c: Candidate, section: str) -> dict[str, Any]:

    fact = c.key or d.new_fact(re.sub(r"(不低于|不少于|达到|以上|在).*$", "", c.quote) or c.quote, c.unit)
    letter = "B" if section == "basic" else "F"
    code = d.parent_code(section, c.key, c.function) or d.code(letter)
    value: float | int = int(c.value) if float(c.value).is_integer() else c.value
    rule: dict[str, Any] = {
        "code": code,
        "name": f"{'basic' if section == 'basic' else 'function.' + (c.function or 'other')}.{fact}",
        "title": c.quote if len(c.quote) <= 30 else f"{label_of(fact)}不低于{value}{c.unit}",
        "article": c.article, "quote": c.quote, "check": "threshold", "field": fact,
        "op": ">=", "value": value, "unit": c.unit, "status": "draft",
    }
    notes = [c.note] if c.note else []
    inherited = d.parent_rule(code)
    if inherited is not None and inherited.variants:  # a child's own number; the parent's cases are the parent's
        rule["variants"] = []
        shown = "；".join(f"{v.value:g}{inherited.unit or ''}（{v.article}）" for v in inherited.variants)
        notes.append(f"上级规则 {code} 另有变体 {shown}：本文件写了自己的门槛，已写 variants: [] 不再继承；若本办法仍适用这些情形，请照原文补写。")
    if fact == "service_revenue_share":
        notes.append("按运营情况表最近一个年度的服务收入 ÷ 营业收入计算（facts: 中的 ratio），请核对年度口径。")
    elif c.key is None:
        notes.append(f"词表中没有对应的事实字段：已在 facts: 中声明 {fact}，请改为合适的键名（pingtai rules keys）。")
    if notes:
        rule["note"] = "".join(notes)
    return rule


def add_thresholds(d: Drafter, found: list[Candidate], section: str) -> list[dict[str, Any]]:
    """Threshold rules, a candidate that only applies in a case (再次认定时60%) becoming a
    variant of the rule before it on the same fact."""
    rules: list[dict[str, Any]] = []
    regions: dict[int, str] = {}  # id(rule) -> the region its clause names
    for c in found:
        region = region_of(c.quote)
        paired = next((r for r in reversed(rules) if region and c.key and r["field"] == c.key
                       and id(r) in regions and regions[id(r)] != region and not r.get("variants")), None)
        if paired is not None:
            regional_pair(d, paired, regions[id(paired)], c)
            continue
        base = next((r for r in reversed(rules) if c.when and c.key and r["field"] == c.key), None)
        if base is None:
            rules.append(threshold_rule(d, c, section))
            if region:
                regions[id(rules[-1])] = region
            continue
        value = int(c.value) if float(c.value).is_integer() else c.value
        base.setdefault("variants", []).append({"when": c.when, "value": value, "article": c.article,
                                                 "quote": c.quote, "status": "draft"})
    return rules


SERVICE_SHARE = re.compile(r"服务(?:性)?收入占(?:营业|主营业务)?(?:总)?收入")
REGION_LEAD = re.compile(r"^(?:对|在|位于)?([\u4e00-\u9fa5]{2,8}?)地区")


def region_of(quote: str) -> str | None:
    """The region a threshold's clause opens with: 珠三角地区申报单位资产总额不低于500万元 → 珠三角."""
    m = REGION_LEAD.match(quote)
    return m.group(1) if m and m.group(1) not in ("本", "其他", "其余", "所在") else None


def regional_pair(d: Drafter, first: dict[str, Any], region: str, second: Candidate) -> None:
    """Two thresholds on one fact for two regions (珠三角 500万元, 粤东西北 200万元) are one rule: the
    second region's number, and a variant for the first region's set, whose divisions a person lists.
    Two rules would both have to hold, failing every applicant of the second region on the first's bar."""
    value = int(second.value) if float(second.value).is_integer() else second.value
    first["variants"] = [{"when": {"region": region}, "value": first["value"], "article": first["article"],
                          "quote": first["quote"], "status": "draft"}]
    first.update(value=value, title=second.quote if len(second.quote) <= 30 else first["title"],
                 article=second.article, quote=second.quote)
    other = region_of(second.quote)
    first["note"] = (first.get("note") or "") + (
        f"原文按地区规定两个门槛：{region}{first['variants'][0]['value']}{first['unit']}，{other}{value}{first['unit']}。"
        f"起草为一条规则：属于{region}（region_sets，须列出其行政区划）时按{region}的门槛，否则按{other}的门槛；"
        f"请核对{other}是否即{region}以外的全部地区。")
    if not any(r["name"] == region for r in d.region_sets):
        d.region_sets.append({"name": region, "divisions": [], "article": first["variants"][0]["article"],
                              "quote": first["variants"][0]["quote"], "status": "draft"})


def review_rule(d: Drafter, item: Item, section: str) -> dict[str, Any]:
    """The item's whole text as a qualitative condition: shown to a reviewer, never dropped."""
    letter = "B" if section == "basic" else "F"
    return {"code": d.code(letter), "name": f"{section}.item_{item.number or 0}",
            "title": _short(item.text), "article": item.ref, "quote": item.text, "check": "review",
            "status": "draft"}


def flag_rule(d: Drafter, item: Item, key: str, quote: str, section: str) -> dict[str, Any]:

    letter = "B" if section == "basic" else "F"
    note = None
    years = re.search(r"近\s*([两二三四五2-5])\s*年", quote) if key == "smes_growth" else None
    if years and number(years.group(1)) != 2:  # smes_growth reads two years; 近三年 is a declared window
        n = int(number(years.group(1)))
        key = f"smes_growth_{n}y"
        if not any(f["key"] == key for f in d.declared):
            d.declared.append({"key": key, "label": f"近{years.group(1)}年服务中小企业数逐年增长", "type": "bool",
                               "growth": {"column": "smes_served", "years": n}})
        note = f"“{years.group(0)}”按运营情况表最近 {n} 个年度的服务中小企业数逐年增长判断（facts: 中的 growth 窗口）。"
    rule = {"code": d.code(letter), "name": f"{section}.{key}", "title": label_of(key) if note is None else quote,
            "article": item.ref, "quote": quote, "check": "flag", "field": key, "status": "draft"}
    return {**rule, "note": note} if note else rule


def _short(text: str) -> str:
    first = re.split(r"[。；;]", text, maxsplit=1)[0].strip("（）() ")
    return first if len(first) <= 30 else first[:28] + "…"


def is_basic_article(a: Article) -> bool:
    head = a.paragraphs[0]
    return "条件" in head and "功能" not in head and any(ITEM_HEAD.match(p) for p in a.paragraphs[1:])


def is_function_article(a: Article) -> bool:
    return "功能要求" in a.paragraphs[0] or bool(COUNT_WORDING.search(a.paragraphs[0]) and "功能" in a.paragraphs[0])


def draft_basic(d: Drafter, articles: list[Article]) -> list[dict[str, Any]]:
    rules: list[dict[str, Any]] = []
    for a in articles:
        for item in items_of(a):
            if item.number is None:
                continue
            rules += [flag_rule(d, item, k, q, "basic") for k, q in flag_candidates(item)]
            rules += add_thresholds(d, threshold_candidates(item), "basic")
            rules.append(review_rule(d, item, "basic"))
    return rules


def draft_functions(d: Drafter, articles: list[Article], fallback: Article | None) -> dict[str, Any]:
    if not articles:
        cite = fallback or next(iter(split_articles(d.text).values()), None)
        if d.parent is None:  # a child without function articles inherits its parent's (only_changes)
            d.readings.append("起草时未找到服务功能要求条款：count 记为 min: 0（文本未规定），请核对。")
        else:
            d.readings.append(f"起草时未找到服务功能要求条款：服务功能及其计数规则沿用 {d.parent.key}，请核对本办法确未另作规定。")
        return {"count": {"article": cite.heading if cite else "全文", "quote": cite.paragraphs[0] if cite else d.key,
                          "min": 0, "status": "draft"}, "items": []}
    a = articles[0]
    head = a.paragraphs[0]
    count: dict[str, Any] = {"article": a.heading, "quote": re.sub(rf"^第[{_NUMERALS}]+条\s*", "", head).rstrip("：:"),
                             "min": 1, "status": "draft"}
    by_type = {m.group(1).removesuffix("平台"): int(number(m.group(2))) for m in BY_TYPE_WORDING.finditer(head)}
    if len(by_type) > 1:
        count["by_platform_type"] = by_type
        count["min"] = min(by_type.values())
    elif (m := COUNT_WORDING.search(head)) is not None:
        count["min"] = int(number(m.group("num")))
    items = [f for f in (draft_function_item(d, item) for item in items_of(a) if item.number is not None) if f]
    return {"count": count, "items": items}


def draft_function_item(d: Drafter, item: Item) -> dict[str, Any] | None:

    function = function_of(item)
    if function is None:
        d.readings.append(f"{item.ref}“{_short(item.text)}”不是已知的服务功能，未起草，请手工编码。")
        return None
    found = threshold_candidates(item, function)
    by_option: dict[int, list[Candidate]] = {}
    for c in found:
        by_option.setdefault(c.option, []).append(c)
    branches = {i: add_thresholds(d, cs, "functions") for i, cs in by_option.items()}
    flags = [flag_rule(d, item, k, q, "functions") for k, q in flag_candidates(item)]
    rules = flags + (branches.get(0, []) if len(branches) <= 1 else [])
    if len(branches) > 1:  # 服务机构 …；或 … 融资担保机构: alternatives
        rules.append({"code": d.code("F"), "name": f"function.{function}.alternatives",
                      "title": f"{function_label(function)}的几种情形满足其一", "article": item.ref,
                      "quote": item.text, "check": "any_of", "status": "draft",
                      "options": [{"name": f"情形{i + 1}", "rules": rs} for i, rs in sorted(branches.items())],
                      "note": "按文本中的“或”分为几种情形；请核对每种情形包含哪些条件。"})
    if not rules:
        rules.append(review_rule(d, item, "functions"))
    return {"function": function, "name": function_label(function), "article": item.ref, "quote": item.text,
            "status": "draft", "rules": rules}


def draft_relaxations(d: Drafter, articles: list[Article], rules: list[dict[str, Any]],
                      covers_all: bool = False) -> list[dict[str, Any]]:
    """放宽 clauses: the flag an applicant declares; the rules of the items they name become relaxable."""
    out = []
    for a in articles:
        for item in items_of(a):
            if "放宽" not in item.text:
                continue
            pos = item.text.find("放宽")
            quote, clause = clause_around(item.text, pos, pos + 2)
            sentence = item.text if item.number is None else clause
            # who may claim it is often said before the clause (（由社团法人主办、……的申报单位，资产总额可适当放宽）)
            flags = [e["key"] for e in vocabulary()["relaxations"] if any(c in item.text for c in e["cues"])]
            if not flags:
                flags = [d.new_fact(f"是否适用放宽：{_short(sentence)}", "", "bool")]
            code = d.code("R")
            out.append({"code": code, "name": _short(sentence), "flags": flags, "article": item.ref,
                        "quote": sentence if item.number is None else quote, "status": "draft"})
            covered = [cn_to_int(n) for n in re.findall(rf"[（(]([{_NUMERALS}]+)[）)]", sentence)]
            # inside an item, the relaxation covers the conditions it names (资产总额可适当放宽), else all of the item
            subject = [r for r in rules if r["article"] == item.ref and _decided(r) and r["quote"][:4] in sentence]
            for r in rules:
                if item.number is not None and subject and r not in subject:
                    continue
                ref = r["article"]
                same_article = ref.startswith(a.heading)
                in_item = item.number is not None and ref == item.ref
                named = any(ref == f"{a.heading}（{int_to_cn(n)}）" for n in covered)
                if covers_all and _decided(r) or _decided(r) and (in_item or (item.number is None and same_article and (named or not covered))):  # 第九条 …可适当放宽认定条件: the conditions of other articles
                    r.setdefault("relaxable_by", []).append(code)
    return out


def _decided(rule: dict[str, Any]) -> bool:
    """A drafted rule pingtai decides (a relaxation covers it), not a point for a reviewer."""
    return not kinds.get(rule["check"]).qualitative


def draft_exclusions(d: Drafter, articles: list[Article]) -> list[dict[str, Any]]:
    out = []
    for a in articles:
        for item in items_of(a):
            m = re.search(r"(?:认定为|已获得|获得|已获)(.{4,80}?)的[，,]\s*不再参与", item.text)
            if not m:
                continue
            end = item.text.find("不再参与", m.end() - 4) + 4
            quote = item.text[: item.text.find("。", end) + 1 if "。" in item.text[end:] else len(item.text)]
            # 国家…示范平台认定且在有效期内: an 已获认定 line names the recognition, never 认定且在有效期内
            named, cut, condition = m.group(1).partition("认定") if "认定" in m.group(1) else (m.group(1), "", "")
            condition = condition.strip("且并，, ")
            phrases = [p for p in re.split(r"[、和或及]", named) if len(p) >= 4]
            patterns = [re.escape(p).replace("省级以上", "(省|国家)[^市县区]{0,12}") for p in phrases]
            note = "按申请表“已获认定”逐行比对；正则由条文中的认定名称转写，请按认定级别核对。"
            if condition:
                note += f"条文另有条件“{condition}”，正则不能判断：请确认后再删去 status，或由评审人员核对。"
            out.append({"code": d.code("X"), "name": "exclusion.prior_recognition", "title": _short(quote),
                        "article": item.ref, "quote": quote, "check": "text_match", "field": "prior_recognitions",
                        "patterns": patterns or [re.escape(named or m.group(1))], "status": "draft", "note": note})
    return out


def material_key(text: str) -> str | None:
    """The catalogue material whose name or file-name words the item names (longest word wins)."""
    from pingtai_cli.vocab import fold as fold_words
    from pingtai_cli.vocab import material_catalogue as catalogue

    folded = fold_words(text).replace("的", "")  # 相关认定的文件 names 认定文件; 其它 as 其他
    best: tuple[int, str] | None = None
    for key, m in catalogue().items():
        for word in (fold_words(m.name), *m.file_names, *m.titles):
            if len(word) >= 2 and word in folded and (best is None or len(word) > best[0]):
                best = (len(word), key)
    return best[1] if best else None


def material_parts(text: str) -> list[str]:
    """One item may list two materials (其他材料和对申报材料真实性的声明（加盖申报单位公章）): split
    at 和 when each side names a different catalogue material; the trailing remark stays with the last."""
    head, sep, tail = text.partition("和对")
    if sep:
        parts = [head, "对" + tail]
        keys = [material_key(p) for p in parts]
        if all(keys) and keys[0] != keys[1]:
            return parts
    return [text]


def draft_materials(d: Drafter, articles: list[Article]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(materials, new_materials) from the article that lists what to submit."""
    a = next((x for x in articles if MATERIALS_HEAD.search(x.paragraphs[0])), None)
    if a is None:
        return [], []
    out, new = [], []
    used: set[str] = set()
    for item, text in ((i, part) for i in items_of(a) if i.number is not None for part in material_parts(i.text)):
        name = re.split(r"[（(；;。]", text, maxsplit=1)[0].strip() or text
        key = material_key(text)
        if key is None or key in used:
            key = f"material_{item.number}"
            new.append({"key": key, "name": name[:40], "keywords": [name[:12]]})
        used.add(key)
        entry: dict[str, Any] = {"code": d.code("M"), "key": key, "name": name[:40], "article": item.ref,
                                 "quote": text.rstrip("；;。."), "status": "draft"}
        if "复印件" in text and "原件" not in text:
            entry["copy_kind"] = "复印件"
        validity = [k for k, v in vocab.get().validity.items() if v.cue in text]
        if validity:
            entry["validity"] = validity
        if text.startswith(("其他", "能够证明", "能够说明")):
            entry["required"] = False
        out.append(entry)
    return out, new


def draft_forms(d: Drafter) -> list[dict[str, Any]]:
    out, seen = [], set()
    for article in split_articles(d.text).values():
        for item in items_of(article):
            for m in FORM_REF.finditer(item.text):
                name, n = m.group(1).strip("《》 "), m.group(2)
                form = next((f for f in vocabulary()["forms"] if any(c in name for c in f["cues"])), None)
                if form is None or form["id"] in seen:
                    continue
                seen.add(form["id"])
                quote = item.text[m.start():m.end()]
                out.append({"code": d.code("T"), "id": form["id"], "name": name, "attachment": f"附件{n}",
                            "filled_by": form["filled_by"], "article": item.ref, "quote": quote, "status": "draft"})
    return out


def draft_procedure(d: Drafter) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    seen: set[str] = set()
    for article in split_articles(d.text).values():
        for item in items_of(article):
            for pattern, pid, title, unit in ((PUBLICITY, "publicity_days", "公示期", "工作日"),
                                              (VALIDITY, "validity_years", "认定有效期", "年"),
                                              (DEADLINE, "deadline", "每年报送期限", None)):
                for m in pattern.finditer(item.text):
                    quote, clause = clause_around(item.text, m.start(), m.end())
                    ident = pid if pid != "deadline" else _deadline_id(_subject(item.text, m.start()))
                    shown = title
                    if pid == "validity_years" and "本办法" in _subject(item.text, m.start()):
                        ident, shown = "ruleset_validity_years", "本办法有效期"  # the text's own term
                    if ident in seen:
                        ident = f"{ident}_{len(out) + 1}"
                    seen.add(ident)
                    value: Any = int(number(m.group("num")))
                    if pid == "deadline":
                        value = f"每年{value}月底" + ("前" if item.text[m.end():m.end() + 1] == "前" else "")
                    out.append({"code": d.code("P"), "id": ident, "title": shown, "value": value,
                                **({"unit": unit} if unit else {}), "article": item.ref,
                                "quote": clause if len(clause) <= 80 else quote, "status": "draft"})
    return out


def _subject(text: str, pos: int) -> str:
    """The words before `pos` in its sentence; the sentence before when this one has no subject
    (市（地）工信局负责……。每年2月底将……报省工信厅)."""
    start = text.rfind("。", 0, pos) + 1
    if len(text[start:pos].strip()) >= 2:
        return text[start:pos]
    return text[text.rfind("。", 0, max(0, start - 1)) + 1 : pos]


def _deadline_id(subject: str) -> str:
    """Who reports by the deadline, from the words before 每年N月底: a bureau, or the platforms."""
    bureau = re.search(r"主管部门|工信局|工信部门|工信厅|工业和信息化局|工业和信息化厅", subject)
    return "bureau_report_deadline" if bureau else "annual_summary_deadline"


AREA_WORDING = (re.compile(r"在(?:我|本)(?:市|省|县|区)注册登记"),
                re.compile(r"负责(?:本地区|辖区内|本辖区|本地)[^，,。；;]{0,12}推荐"))


def draft_area(articles: list[Article], name: str, level: str) -> dict[str, Any] | None:
    """The credit-code area of a province, city or county, from the division table by its name,
    cited to the clause that limits recognition to it (在我市注册登记, 负责辖区内…的推荐)."""
    from pingtai_cli.core import regions

    found = regions.find_in_address(name) if level != "national" else []
    if len(found) != 1:
        return None
    for wording in AREA_WORDING:
        for a in articles:
            for item in items_of(a):
                m = wording.search(item.text)
                if m:
                    _, quote = clause_around(item.text, m.start(), m.end())
                    return {"name": found[0].chain_names(), "codes": [found[0].prefix], "article": item.ref,
                            "quote": quote, "status": "draft"}
    return None


# ---------------------------------------------------------------- the header


def document_header(text: str, source_file: str) -> dict[str, Any]:
    titles = re.findall(r"《([^《》]{6,60}办法)》", text)
    plain = re.findall(r"^[#\s]*([^\s《》#]{6,60}(?:认定管理办法|管理办法|办法))\s*$", text, re.M)
    title = plain[0] if plain else (titles[0] if titles else "（请填写文件名称）")
    title = re.sub(r"(?<=[\u4e00-\u9fa5])\s+(?=[\u4e00-\u9fa5])", "", title)  # a PDF export's stray spaces
    number_m = re.search(r"([\u4e00-\u9fa5]{1,12}[〔\[［(（]\d{4}[〕\]］)）]\d+号)", text)
    number_ = number_m.group(1).replace("[", "〔").replace("]", "〕") if number_m else None
    issuer_m = re.search(r"发文机关[：:]\s*(\S+)", text)
    issuer = issuer_m.group(1) if issuer_m else _issuer_from_title(title)
    in_force = re.search(r"(本办法自[^。]{0,40}(?:施行|实施)[^。]*。)", text)
    issued = _issued(text.replace(in_force.group(1), "") if in_force else text)  # 自2025年5月1日起施行 is no 落款
    start = _date_in(in_force.group(1)) if in_force else None
    level = next((lvl for lvl, cues in LEVEL_CUES if any(c in title[:6] for c in cues)), "city")
    doc: dict[str, Any] = {
        "title": title, "number": number_, "issuer": issuer, "level": level,
        "issued": date.fromisoformat(issued) if issued else "unknown",
        "in_force_from": start or (date.fromisoformat(issued) if issued else date.today()),  # a YAML date
        "source_file": source_file,
        "recognition_title": re.split(r"认定|管理办法", title)[0] or title,
    }
    if in_force:

        art = next((a for a in split(text).values() if in_force.group(1) in a.text), None)
        if art:
            doc["in_force_article"] = art.heading
            doc["in_force_quote"] = in_force.group(1)
        years = VALIDITY.search(in_force.group(1))
        if years and (issued or start):  # 有效期5年 from 2022-10-20: the last day is 2027-10-19
            doc["in_force_until"] = _years_later(doc["in_force_from"], int(number(years.group("num"))))
    return doc


def _date_in(text: str) -> date | None:
    m = re.search(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日", text)
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3))) if m else None
    except ValueError:
        return None


def _years_later(start: date, years: int) -> date:
    """The last day of a period of `years` years beginning on `start`."""
    try:
        end = start.replace(year=start.year + years)
    except ValueError:  # 29 February
        end = date(start.year + years, 3, 1)
    return date.fromordinal(end.toordinal() - 1)


def _issuer_from_title(title: str) -> str:
    m = re.match(r"(.+?(?:省|市|县|区))", title)
    return f"{m.group(1)}工业和信息化主管部门（请核对）" if m else "（请填写发布机关）"


def _issued(text: str) -> str | None:
    m = re.search(r"成文日期[：:]\s*(\d{4})-(\d{1,2})-(\d{1,2})", text)
    if not m:
        dates = re.findall(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日", text)
        m_dates = dates[-1:] if dates else []
        if not m_dates:
            return None
        y, mo, dd = m_dates[0]
    else:
        y, mo, dd = m.groups()
    try:
        return date(int(y), int(mo), int(dd)).isoformat()
    except ValueError:
        return None


# ---------------------------------------------------------------- assembling


def default_prefix(key: str, taken: set[str]) -> str:
    letters = re.sub(r"[^A-Za-z]", "", key).upper() or "XX"
    for candidate in (letters[:2], letters[0] + letters[-1], letters[:3], letters[:4]):
        if len(candidate) >= 2 and candidate not in taken:
            return candidate
    return (letters + "XX")[:2]


def draft_ruleset(key: str, text: str, source_file: str, prefix: str, parent: Any = None) -> dict[str, Any]:
    """The draft ruleset mapping, every entry `status: draft`."""
    d = Drafter(key, text, source_file, prefix, parent)
    articles = list(split_articles(text).values())
    if not articles:

        raise PingtaiError(f"{source_file} 中没有“第一条”“第二条”……形式的条款，不像一部认定办法，未起草。")
    basic_articles = [a for a in articles if is_basic_article(a)]
    function_articles = [a for a in articles if is_function_article(a)]
    basic = draft_basic(d, basic_articles)
    if not basic_articles and parent is None:  # said, not left to a count of 0 in the summary
        d.readings.append("起草时未找到基本条件条款（如“应同时具备以下基本条件”）：basic 为空，请对照原文补写。")
    functions = draft_functions(d, function_articles, basic_articles[0] if basic_articles else None)
    fn_rules = [r for item in functions["items"] for top in item["rules"] for r in _walk(top)]
    relaxations = draft_relaxations(d, basic_articles + function_articles, basic + fn_rules)
    elsewhere = [a for a in articles if a not in basic_articles + function_articles and "放宽" in a.text and "条件" in a.text]
    relaxations += draft_relaxations(d, elsewhere, basic + fn_rules, covers_all=True)
    materials, new_materials = draft_materials(d, articles)
    doc = document_header(text, source_file)
    if doc["issued"] == "unknown":
        d.readings.append("起草时未能从文本读出发布与施行日期：issued 记为 unknown，in_force_from 暂记为起草当天，请按原文改正。")
    data: dict[str, Any] = {"key": key, "name": _name(doc["title"]) if "《" not in doc["title"] and "请填写" not in doc["title"] else key,
                            "status": "draft"}
    if parent is not None:
        data["extends"] = parent.key
    data["document"] = doc
    area = draft_area(articles, data["name"], doc["level"])
    if area:
        data["area"] = area
    data["relaxations"] = relaxations
    data["basic"] = basic
    data["functions"] = functions
    data["exclusions"] = draft_exclusions(d, articles)
    data["materials"] = materials
    if new_materials:
        data["new_materials"] = new_materials
    if not materials and parent is None:
        data["not_encoded"] = [{"section": "申报材料", "note": "起草时未找到材料清单（需提交下列材料）；若文本确未列出，写 materials_note 引用说明材料来源的条文。"}]
    data["forms"] = draft_forms(d)
    data["procedure"] = draft_procedure(d)
    if d.declared:
        data["facts"] = d.declared
    if d.region_sets:
        data["region_sets"] = d.region_sets
    data["readings"] = [
        f"草稿：由 pingtai rules new 从 {source_file} 起草，全部条目为 status: draft，须逐条与原文核对后改为 confirmed（删去 status 行）。",
        *d.readings,
    ]
    return data if parent is None else only_changes(data, parent, bool(function_articles))


def only_changes(data: dict[str, Any], parent: Any, has_functions: bool) -> dict[str, Any]:
    """A child states only what its text says: an empty list would replace the parent's (lists of
    readings, relaxations … are replaced, not merged), so what the draft did not find is left out."""
    out = {k: v for k, v in data.items() if v not in ([], None, {})}
    if not has_functions:
        out.pop("functions", None)
    out["readings"] = [*parent.readings, *data["readings"]]  # the parent's interpretations still hold
    return out


def _walk(rule: dict[str, Any]) -> list[dict[str, Any]]:
    return [rule] + [x for opt in rule.get("options", []) for r in opt["rules"] for x in _walk(r)]


def _name(title: str) -> str:
    m = re.match(r"(.+?(?:省|市|县|区|自治区))", title)
    if m and len(m.group(1)) <= 8:
        return m.group(1)
    return "国家" if title.startswith("国家") else title[:6]


# ---------------------------------------------------------------- cases


def draft_cases(data: dict[str, Any], on: date) -> dict[str, list[dict[str, Any]]]:
    """A passing case at the threshold and a failing one just below, per drafted threshold rule."""
    out: dict[str, list[dict[str, Any]]] = {}
    rules = [x for r in data.get("basic", []) for x in _walk(r)]
    rules += [x for item in data.get("functions", {}).get("items", []) for r in item["rules"] for x in _walk(r)]
    for r in rules:
        if not kinds.get(r["check"]).numeric:
            continue
        cases = [_case(r, True, on), _case(r, False, on)]
        if all(cases):
            out[r["code"]] = cases  # type: ignore[assignment]
    return out


def _case(rule: dict[str, Any], passing: bool, on: date) -> dict[str, Any] | None:

    values = [float(rule["value"])] + [float(x["value"]) for x in rule.get("variants", []) if "region" in x["when"]]
    v = max(values) if passing else min(values)  # by region: met under every bar, or under none
    below = v - (1 if v >= 10 or v.is_integer() else 0.1)
    facts: dict[str, Any]
    if rule["field"] == "operating_years":  # registered exactly N years before, or a day later
        start = on.replace(year=on.year - int(v))
        facts = {"registration_date": start if passing else date.fromordinal(start.toordinal() + 1)}
    elif rule["field"] == "full_calendar_years":  # the last day before N full calendar years, or the first after
        facts = {"registration_date": date(on.year - int(v) - 1, 12, 31) if passing else date(on.year - int(v), 1, 2)}
    elif rule["field"] == "staff_qualified_ratio":
        facts = {"staff_total": 100, "staff_qualified": v if passing else below}
    elif rule["field"] in vocab.get().facts:
        facts = {rule["field"]: _n(v if passing else below)}
    else:
        return None
    words = "恰为门槛值时满足" if passing else "低于门槛值时不满足"
    return {"name": f"{rule['title']}：{words}{rule['article']}", "as_of": on, "facts": facts,
            "status": "pass" if passing else "fail"}


def _n(v: float) -> float | int:
    return int(v) if float(v).is_integer() else round(v, 4)
