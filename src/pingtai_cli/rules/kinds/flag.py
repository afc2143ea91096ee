"""The `flag` check kind: a yes/no fact of the dossier that must be yes."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pingtai_cli.core.fmt import fmt
from pingtai_cli.core.models import RuleResult
from pingtai_cli.rules.kinds.base import Evaluate, Facts, Kind, field_words, missing, result
from pingtai_cli.rules.kinds.words import short_label
from pingtai_cli.vocab import label_of

if TYPE_CHECKING:
    from pingtai_cli.rules.schema import Rule


class Flag(Kind):
    """是否条件（flag）：申请表中一个“是/否”事实须为“是”。

    ## 检查什么

    事实 `field`（是或否）须为“是”：为“是”满足，为“否”不满足。
    “具有独立法人资格”由申请表“单位性质”推导（含“法人”且不含“非法人”，或为民办非企业单位）。

    ## 字段

    - `field`（必填）：是/否类事实键，如 `is_legal_person`。
    - `readings`：另一读法（不带 `value`）；按另一读法结论不同时交人工审核。
    - `relaxable_by`：可放宽此条件的放宽条款编号。

    ## 示例

    ```yaml
    rule:
      code: NA-B01
      name: basic.legal_person
      title: 具有独立法人资格
      article: 第十二条（一）
      quote: 具有独立法人资格，运营两年以上，资产总额不低于300万元
      check: flag
      field: is_legal_person
    cases:
      - name: 单位性质为企业法人时满足
        facts: {is_legal_person: {value: true, raw: 企业法人}}
        status: pass
        message: 具有独立法人资格：单位性质为“企业法人”。
      - name: 单位性质为非法人分支机构时不满足
        facts: {is_legal_person: {value: false, raw: 非法人分支机构}}
        status: fail
        message: 具有独立法人资格：单位性质为“非法人分支机构”，不满足“具有独立法人资格”。
    ```

    ## 读法

    - 事实缺失或不是“是/否”：缺少数据。
    - 取值只由 OCR 读出时，满足或不满足都交人工审核。
    - 结构句中（`rules show` 的服务功能构成）选项名已说明的是否条件不再重复。
    """

    name = "flag"
    title = "是否条件"
    needs = ("field",)

    def evaluate(self, rule: Rule, facts: Facts, run: Evaluate) -> RuleResult:
        fact = facts.get(rule.field or "")
        if fact is None or not isinstance(fact.value, bool):
            return missing(rule, facts, "是")
        label = label_of(rule.field or "")
        shown = fact.raw if fact.raw and not isinstance(fact.value, bool) else fmt(fact.value)
        if fact.raw and rule.field == "is_legal_person":
            shown = f"单位性质为“{fact.raw}”"
        if fact.value:
            return result(rule, "pass", facts, actual=True, required="是", message=f"{label}：{shown}。")
        return result(rule, "fail", facts, actual=False, required="是", message=f"{label}：{shown}，不满足“{rule.title}”。")

    def requirement(self, rule: Rule, with_variants: bool = True) -> str:
        return "须为“是”"

    def part(self, rule: Rule, option_name: str = "") -> str | None:
        label = short_label(rule.field or "")
        return None if label and label in option_name else label

    def what(self, rule: Rule) -> str:
        return f"申请表{field_words(rule)}须为“是”（{rule.title}）。"

    def synthesise(self, rule: Rule, passing: bool) -> dict[str, Any] | None:
        return None if rule.field is None else {rule.field: passing}


KIND = Flag()
