"""The `threshold` check kind: a figure of the dossier against the value a clause sets."""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from pingtai_cli import vocab
from pingtai_cli.core.fmt import fmt
from pingtai_cli.core.models import Fact, RuleResult
from pingtai_cli.rules.kinds.base import Evaluate, Facts, Kind, field_words, missing, result
from pingtai_cli.rules.kinds.words import SYMBOLS, short_label, when_text
from pingtai_cli.vocab import label_of

if TYPE_CHECKING:
    from pingtai_cli.rules.schema import Rule, Variant

OPS: dict[str, Callable[[Any, Any], bool]] = {
    ">=": operator.ge,
    ">": operator.gt,
    "<=": operator.le,
    "<": operator.lt,
    "==": operator.eq,
}
OP_WORDS = {">=": "不低于", ">": "高于", "<=": "不高于", "<": "低于", "==": "等于"}
# A count reads 不少于 where an amount reads 不低于 (the words of a form's 说明 column).
COUNT_UNITS = {"家", "人", "次", "人次", "年", "项"}
COUNT_OP_WORDS = {">=": "不少于", ">": "多于", "<=": "不多于", "<": "少于", "==": "等于"}
# Units counted in whole numbers: a synthesised example steps by 1, not 0.1.
INTEGER_UNITS = {"家", "人", "次", "人次", "项", "个"}


class Threshold(Kind):
    """数值门槛（threshold）：申请表中的一个数字与条文规定的数值比较。

    ## 检查什么

    申请表（或由它推导出的）事实 `field` 的数值与 `value` 按 `op` 比较，单位为 `unit`。
    条文的“以上”“不低于”“不少于”含本数，写作 `op: ">="`；“超过”“高于”不含本数，写作 `op: ">"`。
    结论为满足或不满足；不满足时给出差距（“差 20 万元”“差 5 个百分点”）。

    ## 字段

    - `field`（必填）：事实键，如 `total_assets`（`pingtai rules keys` 列出全部）。
    - `value`（必填）：门槛值，按 `unit` 计（可为 0）。
    - `op`：比较方式，`>=`（默认）、`>`、`<=`、`<`、`==`。
    - `unit`：单位，与事实的单位一致（万元、人、家、次、%）。
    - `variants`：条件成立时适用另一门槛（`when` 为某事实的取值或地区集合）。
    - `readings`：另一读法的门槛或事实；两种读法结论不同时交人工审核。
    - `labels` / `bound_labels`：条文所说数字在表格中的名称，及更宽的数字（从业人数 ⊇ 专职从业人数）。
    - `relaxable_by`：可放宽此门槛的放宽条款编号。

    ## 示例

    ```yaml
    rule:
      code: NA-B03
      name: basic.total_assets
      title: 资产总额不低于300万元
      article: 第十二条（一）
      quote: 具有独立法人资格，运营两年以上，资产总额不低于300万元
      check: threshold
      field: total_assets
      op: ">="
      value: 300
      unit: 万元
    cases:
      - name: 资产总额恰为300万元时满足（不低于含本数）
        facts: {total_assets: 300}
        status: pass
        message: 资产总额 300万元，不低于300万元。
      - name: 资产总额280万元时不满足，差20万元
        facts: {total_assets: 280}
        status: fail
        message: 资产总额 280万元，要求不低于300万元，差 20 万元。
      - name: 申请表未填资产总额时缺少数据
        facts: {}
        status: missing
        message: 缺少数据：申请表未填写或无法读取“资产总额”。
    ```

    ## 读法

    - 事实缺失或不是数字：缺少数据，不判不满足。
    - 变体（`variants`）的条件成立时用变体的门槛，结论注明依据的条款；地区变体在信用代码无法确定
      地区、且两个门槛结论不同时交人工审核。
    - 成立日期只写到月或只写到年时，该月（年）每一天都满足的为满足、都不满足的为不满足，
      按不同日子结论不同的交人工审核。
    - 申请表数字多于名单（人员、服务企业）所能证明的，按名单判断；名单未必完整而结论不同的交人工审核；
      申请表未填而只有名单计数的，计数作为证据交人工审核。
    - 数值只由 OCR 读出或单位系推断、或填写在另一名称下（`labels`）时，满足或不满足都交人工审核。
    """

    name = "threshold"
    title = "数值门槛"
    needs = ("field", "value")
    numeric = True

    def missing_fields(self, rule: Rule) -> list[str]:
        # a threshold of 0 is a value (发生额不低于0), not a missing one
        return [] if rule.value == 0 else super().missing_fields(rule)

    def evaluate(self, rule: Rule, facts: Facts, run: Evaluate) -> RuleResult:
        return check_threshold(rule, facts)

    def requirement(self, rule: Rule, with_variants: bool = True) -> str:
        """≥100万元（仅申报综合服务功能：≥50万元）; readings add （另一读法：≥10人）."""
        text = amount(rule, rule.op, rule.unit)
        if with_variants:
            extras = [f"{when_text(v.when)}：{amount(v, rule.op, rule.unit)}" for v in rule.variants]
            extras += [f"另一读法：{_reading_label(rule, r.field)}{SYMBOLS.get(rule.op, rule.op)}{fmt(r.value)}{rule.unit or ''}"
                       for r in rule.readings if r.value is not None]
            if extras:
                text += "（" + "；".join(extras) + "）"
        return text

    def what(self, rule: Rule) -> str:
        text = f"申请表{field_words(rule)}{OP_WORDS[rule.op]}{fmt(rule.value)}{rule.unit or ''}"
        variants = [f"{v.article}：当{requirement_variant(v, rule.unit)}" for v in rule.variants]
        return text + "。" + ("".join(f"另：{v}。" for v in variants))

    def form_hint(self, rule: Rule) -> str:
        text = bound(rule.op, rule.value, rule.unit)
        return label_of(rule.field or "") + text if rule.field in vocab.get().derived else text

    def cell(self, rule: Rule, primary: str | None) -> str:
        text = self.requirement(rule)
        return label_of(rule.field or "") + text if primary and rule.field != primary else text

    def synthesise(self, rule: Rule, passing: bool) -> dict[str, Any] | None:
        if rule.field is None or rule.value is None:
            return None
        v, step = rule.value, _step(rule.value, rule.unit)
        at_edge = rule.op in (">=", "<=", "==")
        up = rule.op in (">=", ">")
        if passing:
            value = v if at_edge else (v + step if up else v - step)
        else:
            value = (v - step if up else v + step) if at_edge else v
        if value < 0:
            return None
        return {rule.field: round(value, 4) if not float(value).is_integer() else int(value)}

    def case_name(self, rule: Rule, want: str) -> str:
        edge = "恰为门槛值" if want == "pass" and rule.op in (">=", "<=", "==") else ""
        reached = edge or ("达到" if want == "pass" else "未达到")
        return f"{short_label(rule.field or '')}{reached}要求（{self.requirement(rule, False)}）"


KIND = Threshold()


# ---------------------------------------------------------------- wording


def amount(rule: Rule | Variant, op: str, unit: str | None) -> str:
    return f"{SYMBOLS.get(op, op)}{fmt(rule.value)}{unit or ''}"


def _reading_label(rule: Rule, field: str | None) -> str:
    """A second reading of another fact names it (xuchang: 自然年度 vs 运营年限)."""
    return label_of(field) if field and field != rule.field else ""


def bound(op: str, value: float | None, unit: str | None) -> str:
    """不少于10人 / 不低于300万元, as a form's 说明 column words a bound."""
    words = COUNT_OP_WORDS if unit in COUNT_UNITS else OP_WORDS
    return f"{words.get(op, op)}{fmt(value)}{unit or ''}"


def requirement_variant(v: Any, unit: str | None = None) -> str:
    return f"{when_text(v.when)}时，门槛为{fmt(v.value)}{unit or ''}（“{v.quote}”）"


def _step(value: float, unit: str | None) -> float:
    if unit in INTEGER_UNITS or (value >= 10 and float(value).is_integer()):
        return 1.0
    return 0.1


def gap_text(op: str, actual: float, required: float, unit: str | None) -> str:
    diff = abs(required - actual)
    unit_word = "个百分点" if unit == "%" else (unit or "")
    word = "差" if op in (">=", ">") else "超出"
    return f"{word} {fmt(round(diff, 4))} {unit_word}".strip()


# ---------------------------------------------------------------- evaluation


def effective_value(rule: Rule, facts: Facts) -> tuple[float, Rule | Any]:
    """The threshold in force for this dossier: a variant whose `when` holds overrides `value`."""
    for v in rule.variants:
        fact = facts.get(v.when.field)
        if fact is not None and fact.value == v.when.equals:
            return v.value, v
    assert rule.value is not None
    return rule.value, rule


def _region_unknown(rule: Rule, facts: Facts, actual: float, ok: bool) -> str | None:
    """When a regional variant would decide otherwise and the applicant's region is not known
    (no credit code, or one that names only the province), the threshold is for a person to settle."""
    for v in rule.variants:
        if v.when.region and v.when.field not in facts and OPS[rule.op](actual, v.value) != ok:
            return (f"但无法由统一社会信用代码确定是否属于{v.when.region}：属于时门槛为{fmt(v.value)}{rule.unit or ''}"
                    f"（{v.article}：“{v.quote}”），否则为{fmt(rule.value)}{rule.unit or ''}，两者结论不同，待人工审核。")
    return None



def check_threshold(rule: Rule, facts: Facts) -> RuleResult:
    value, source = effective_value(rule, facts)
    required = f"{rule.op} {fmt(value)}"
    fact = facts.get(rule.field or "")
    if fact is None:
        return _listed_only(rule, facts, value, required) or missing(rule, facts, required)
    actual = fact.value
    if not isinstance(actual, int | float) or isinstance(actual, bool):
        return missing(rule, facts, required)
    ok = OPS[rule.op](actual, value)
    label = fact.label or (rule.labels[0] if rule.labels else label_of(rule.field or ""))
    unit = rule.unit or ""
    unsure = _region_unknown(rule, facts, float(actual), ok)
    if unsure:
        return result(rule, "review", facts, actual=actual, required=required, message=f"{label} {fmt(actual)}{unit}，{unsure}")
    cited = "" if source is rule else f"（按{source.article}：{source.quote}）"
    undecided = _variant_undecided(rule, facts, float(actual), ok, value)
    if undecided is not None:
        msg = (
            f"{label} {fmt(actual)}{unit}：按{undecided.article}“{undecided.quote}”要求{OP_WORDS[rule.op]}"
            f"{fmt(undecided.value)}{unit}，否则{OP_WORDS[rule.op]}{fmt(value)}{unit}，结论不同；"
            f"申请表未能说明是否属于该情形（{label_of(undecided.when.field)}），请评审人员确认。"
        )
        return result(rule, "review", facts, actual=actual, required=required, message=msg)
    listed = _by_the_lists(rule, facts, fact, float(actual), value, ok, required, cited)
    if listed is not None:
        return listed
    upper = facts.get(f"{rule.field}_upper")  # the value is known only within bounds
    if upper is not None and isinstance(upper.value, int | float) and OPS[rule.op](upper.value, value) != ok:
        span = "年" if upper.precision == "year" else "月"  # a date written to the year or the month
        msg = (
            f"{label}在 {fmt(actual)}～{fmt(upper.value)}{unit} 之间（日期只写到{span}：“{fact.raw}”），"
            f"要求{OP_WORDS[rule.op]}{fmt(value)}{unit}{cited}：按该{span}不同日子结论不同，请核对营业执照上的具体日期。"
        )
        return result(rule, "review", facts, actual=actual, required=required, message=msg)
    if upper is not None and isinstance(upper.value, int | float) and upper.precision == "year":
        cited += f"（日期只写到年：“{fact.raw}”，该年每一天都{'满足' if ok else '不满足'}）"
    if ok:
        msg = f"{label} {fmt(actual)}{unit}，{OP_WORDS[rule.op]}{fmt(value)}{unit}{cited}。"
        return result(rule, "pass", facts, actual=actual, required=required, message=msg)
    gap = gap_text(rule.op, float(actual), value, rule.unit)
    msg = f"{label} {fmt(actual)}{unit}，要求{OP_WORDS[rule.op]}{fmt(value)}{unit}{cited}，{gap}。"
    return result(rule, "fail", facts, actual=actual, required=required, message=msg, gap=gap)


def _variant_undecided(rule: Rule, facts: Facts, actual: float, ok: bool, value: float) -> Any:
    """A variant whose condition the dossier claims but leaves undecided (`<field>_unknown`: a
    renewal whose last recognition has no year), and whose value decides otherwise. A condition
    the dossier says nothing about is simply not met: the rule's own value applies."""
    for v in rule.variants:
        if f"{v.when.field}_unknown" in facts and OPS[rule.op](actual, v.value) != ok:
            return v
    return None


def _by_the_lists(
    rule: Rule, facts: Facts, fact: Fact, actual: float, value: float, ok: bool, required: str, cited: str
) -> RuleResult | None:
    """A typed figure against what the list sheets show (derive._derive_from_lists): a list that
    caps the figure decides; one that need not be complete sends a differing outcome to review."""
    label, unit = label_of(rule.field or ""), rule.unit or ""
    cap = facts.get(f"{rule.field}_cap")
    if cap is not None and isinstance(cap.value, int | float) and actual > cap.value + 0.01:
        by_list = OPS[rule.op](cap.value, value)
        head = f"申请表{label} {fmt(actual)}{unit}，但{cap.raw}，与申请表不一致；按名单判断"
        evidence = [e for e in (fact.evidence, cap.evidence) if e]
        if by_list:
            msg = f"{head}，{OP_WORDS[rule.op]}{fmt(value)}{unit}{cited}。"
            return result(rule, "pass", facts, actual=cap.value, required=required, message=msg, evidence=evidence)
        gap = gap_text(rule.op, float(cap.value), value, rule.unit)
        msg = f"{head}，要求{OP_WORDS[rule.op]}{fmt(value)}{unit}{cited}，{gap}。"
        return result(rule, "fail", facts, actual=cap.value, required=required, message=msg, gap=gap, evidence=evidence)
    seen = facts.get(f"{rule.field}_list")
    if seen is not None and isinstance(seen.value, int | float) and OPS[rule.op](seen.value, value) != ok:
        msg = (
            f"申请表{label} {fmt(actual)}{unit}，{seen.raw}，两者不一致且结论不同"
            f"（要求{OP_WORDS[rule.op]}{fmt(value)}{unit}{cited}）：请核对名单与申请表，由评审人员确认。"
        )
        evidence = [e for e in (fact.evidence, seen.evidence) if e]
        return result(rule, "review", facts, actual=actual, required=required, message=msg, evidence=evidence)
    return None


def _listed_only(rule: Rule, facts: Facts, value: float, required: str) -> RuleResult | None:
    """No figure in the 申请表, but a list shows a count (derive._count_from_lists): evidence for
    the reviewer, not a decision, since the list need not be complete nor be of that year."""
    seen = facts.get(f"{rule.field}_list")
    if seen is None or not isinstance(seen.value, int | float) or isinstance(seen.value, bool):
        return None
    label, unit = label_of(rule.field or ""), rule.unit or ""
    ok = OPS[rule.op](seen.value, value)
    where = f"（{seen.evidence.describe()}）" if seen.evidence else ""
    outcome = "已达到" if ok else "未达到"
    msg = (
        f"申请表未填写{label}；{seen.raw}{where}，按名单计数{outcome}要求（{OP_WORDS[rule.op]}{fmt(value)}{unit}）。"
        f"名单未必完整、未必只含该年度，不能代替申请表数字：请评审人员核对名单，并请申报单位在申请表中填写{label}。"
    )
    evidence = [seen.evidence] if seen.evidence else None
    return result(rule, "review", facts, actual=seen.value, required=required, message=msg, evidence=evidence)


