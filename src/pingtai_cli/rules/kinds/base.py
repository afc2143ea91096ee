"""What every check kind is: a name, the fields a rule of it needs, its evaluation, its wording.

A kind is one module of this package holding one `Kind` subclass; the package's `__init__`
registers them (`REGISTRY`), and every consumer asks the kind of a rule (`kind_of(rule)`) instead
of comparing `rule.check` with a name. The class docstring is the kind's documentation, in
Chinese, under the headings of `HEADINGS` (`pingtai rules kinds NAME` prints it); its `## 示例`
holds a YAML example that tests/test_kinds.py evaluates, so the documentation cannot drift from
what the engine does.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from pingtai_cli.core.models import Fact, RuleResult, Status
from pingtai_cli.rules.kinds.words import short_label
from pingtai_cli.vocab import label_of

if TYPE_CHECKING:  # the schema imports this package to list the kinds; the kinds only read rules
    from pingtai_cli.rules.schema import Rule

Facts = dict[str, Fact]
# The engine's full evaluation of one rule (engine/checks.evaluate_rule): a kind that nests rules
# (any_of) evaluates them through it, so readings and uncertain values apply inside options too.
Evaluate = Callable[["Rule", Facts], RuleResult]

# The documentation of every kind has these headings, in this order (tests/test_kinds.py).
HEADINGS = ("检查什么", "字段", "示例", "读法")

STATUS_WORDS = {"pass": "满足", "fail": "不满足", "missing": "缺少数据", "review": "待人工审核", "relaxable": "可放宽"}


def status_word(status: str) -> str:
    return STATUS_WORDS.get(status, status)


class Kind:
    """The defaults of a check kind; a kind's module overrides what it does differently."""

    name: str = ""
    title: str = ""  # Chinese, a few words: 数值门槛
    needs: tuple[str, ...] = ()  # the fields a rule of this kind must set
    numeric = False  # compares a figure with `value` under `op` (variants, readings, relaxations)
    qualitative = False  # a point for a reviewer, never decided by pingtai
    alternatives = False  # holds `options`, each a list of rules (或)
    # the outcomes its documented example and every rule's cases must show: a kind whose negative
    # rests only on inference (in_area: a place read from a code or an address) shows review
    outcomes: tuple[str, ...] = ("pass", "fail")

    # ------------------------------------------------------------ schema and evaluation

    def missing_fields(self, rule: Rule) -> list[str]:
        """The fields of `needs` the rule leaves empty (the schema rejects such a rule)."""
        return [n for n in self.needs if not getattr(rule, n)]

    def fact_key(self, rule: Rule) -> str | None:
        """The fact the rule decides on."""
        return rule.field

    def evaluate(self, rule: Rule, facts: Facts, run: Evaluate) -> RuleResult:
        raise NotImplementedError

    # ------------------------------------------------------------ wording

    def requirement(self, rule: Rule, with_variants: bool = True) -> str:
        """What the rule asks for, in a few words (`rules show`, `compare-jurisdictions`)."""
        raise NotImplementedError

    def part(self, rule: Rule, option_name: str = "") -> str | None:
        """The rule inside a structure sentence (活动≥10次且融资≥8亿元); None: it adds nothing."""
        return short_label(rule.field or "") + self.requirement(rule)

    def what(self, rule: Rule) -> str:
        """What pingtai checks, in a sentence (`rules explain`)."""
        raise NotImplementedError

    def fix(self, rule: Rule) -> str:
        """What an applicant can do when the rule is not met (`rules explain`), absent a `fix:`."""
        where = f"申请表“{label_of(rule.field)}”" if rule.field else "申请表中与该条件相关的数据"
        return f"核对{where}的填写及佐证材料；确未达到（{self.requirement(rule)}）的，待条件具备后再申报。"

    def form_hint(self, rule: Rule) -> str:
        """The requirement in a form's 说明 column (`pingtai init`), the article added by the caller."""
        return rule.title

    def cell(self, rule: Rule, primary: str | None) -> str:
        """The rule in a `compare-jurisdictions` cell of the row for fact `primary`."""
        return rule.title

    # ------------------------------------------------------------ examples from the rule's own numbers

    def synthesise(self, rule: Rule, passing: bool) -> dict[str, Any] | None:
        """Facts that make the rule pass (or fail), built from its own values; None when not possible."""
        return None

    def case_name(self, rule: Rule, want: str) -> str:
        # the rule's own title: a bare 满足/不满足 says nothing (and is shorter than a case name may be)
        return f"{rule.title}：{'满足' if want == 'pass' else '不满足'}"

    # ------------------------------------------------------------ documentation

    @property
    def doc(self) -> str:
        """The kind's documentation (its class docstring), as written."""
        return inspect.getdoc(type(self)) or ""

    @property
    def summary(self) -> str:
        """The documentation's first line after `名称（name）：`."""
        first = self.doc.splitlines()[0] if self.doc else ""
        return first.split("：", 1)[1] if "：" in first else first

    def sections(self) -> dict[str, str]:
        """The documentation's `## heading` sections (the text before the first: key "")."""
        return split_sections(self.doc)

    def example(self) -> Example:
        """The YAML example of the documentation's `## 示例`."""
        return parse_example(self.sections().get("示例", ""), self.name)


# The kinds by name, filled by the package's __init__ (one line per kind module).
REGISTRY: dict[str, Kind] = {}


def kind_of(rule: Rule) -> Kind:
    """The kind of a rule (the schema admits only registered names)."""
    return REGISTRY[rule.check]


# ---------------------------------------------------------------- results


def result(rule: Rule, status: Status, facts: Facts, **kw: Any) -> RuleResult:
    """A RuleResult of the rule, with the evidence of the fact it tests unless given."""
    fields = [rule.field] if rule.field else []
    evidence = kw.pop("evidence", None) or [facts[f].evidence for f in fields if f in facts and facts[f].evidence]
    return RuleResult(
        id=rule.code,
        name=rule.title,
        article=rule.article,
        quote=rule.quote,
        fields=fields,
        status=status,
        unit=rule.unit,
        fix=rule.fix,
        evidence=[e for e in evidence if e is not None],
        **kw,
    )


def missing(rule: Rule, facts: Facts, required: str | None = None) -> RuleResult:
    label = label_of(rule.field or "")
    return result(rule, "missing", facts, required=required, message=f"缺少数据：申请表未填写或无法读取“{label}”。")


def qualitative(r: RuleResult) -> bool:
    """A review item that tests no field (健全的管理制度): shown, never deciding."""
    return r.status == "review" and not r.fields


def combine(statuses: list[Status]) -> Status:
    """All-of: fail beats review beats missing beats pass (statuses of measured rules)."""
    order: tuple[Status, ...] = ("fail", "review", "missing", "relaxable")
    return next((status for status in order if status in statuses), "pass")


def combine_results(results: list[RuleResult]) -> Status:
    """All-of over results: qualitative review items don't decide, an unresolved measurable one does."""
    return combine([r.status for r in results if not qualitative(r)])


def field_words(rule: Rule) -> str:
    """“资产总额”（total_assets）, as `rules explain` names the tested field."""
    return f"“{label_of(rule.field)}”（{rule.field}）" if rule.field else ""


# ---------------------------------------------------------------- documentation


# compiled on first use (re caches them): only a kind's documentation is parsed with them
_HEADING = r"^## +(.+?)\s*$"
_YAML_BLOCK = r"```yaml\n(.*?)```"


def split_sections(doc: str) -> dict[str, str]:
    parts = re.split(_HEADING, doc, flags=re.MULTILINE)
    out = {"": parts[0].strip()}
    for heading, body in zip(parts[1::2], parts[2::2], strict=True):
        out[heading] = body.strip()
    return out


@dataclass(frozen=True)
class ExampleCase:
    """Facts as the engine sees them (after derivation) and what the kind must say of them."""

    name: str
    facts: dict[str, Any]
    status: Status
    message: str


@dataclass(frozen=True)
class Example:
    rule: dict[str, Any]
    cases: tuple[ExampleCase, ...]

    def want(self, status: Literal["pass", "fail", "review", "missing"]) -> list[ExampleCase]:
        return [c for c in self.cases if c.status == status]


def parse_example(section: str, name: str) -> Example:
    """The ```yaml block of a `## 示例` section: `rule:` (a ruleset entry) and `cases:`."""
    block = re.search(_YAML_BLOCK, section, re.DOTALL)
    if block is None:
        raise ValueError(f"检查类型 {name} 的“示例”一节没有 ```yaml 代码块")
    import yaml

    data = yaml.safe_load(block.group(1))
    cases = tuple(
        ExampleCase(name=c["name"], facts=dict(c.get("facts") or {}), status=c["status"], message=c["message"])
        for c in data["cases"]
    )
    return Example(rule=dict(data["rule"]), cases=cases)


def facts_of(values: dict[str, Any]) -> Facts:
    """An example's facts: a value, or a mapping of Fact fields (value, raw, unit, label)."""
    out: Facts = {}
    for key, v in values.items():
        fields = v if isinstance(v, dict) else {"value": v}
        out[key] = Fact(key=key, **fields)
    return out
