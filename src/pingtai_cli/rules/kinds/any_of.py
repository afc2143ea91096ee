"""The `any_of` check kind: alternatives, each a list of rules; one alternative met is enough."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pingtai_cli.core.models import RuleResult, Status
from pingtai_cli.rules.kinds.base import (
    Evaluate,
    Facts,
    Kind,
    combine_results,
    kind_of,
    qualitative,
    result,
    status_word,
)

if TYPE_CHECKING:
    from pingtai_cli.rules.schema import Rule


class AnyOf(Kind):
    """备选条件（any_of）：列出几种情形，满足其中一种的全部条件即可。

    ## 检查什么

    `options` 的每一项是一种情形（如“融资服务机构”“融资担保机构”），各含若干条规则；某一情形的规则
    全部满足即满足。各情形都不满足时，消息列出每种情形的结论和差距。申报材料完全没有涉及的情形
    视为未申报，不算缺少数据；所有情形都没有数据时才是缺少数据。

    ## 字段

    - `options`（必填）：情形列表，每项有 `name` 和 `rules`（任意检查类型的规则，可再嵌套）。

    ## 示例

    ```yaml
    rule:
      code: NA-F10
      name: function.financing.either
      title: 融资服务机构或融资担保机构（满足其一）
      article: 第十三条（五）
      quote: 帮助中小企业融资总额8亿元以上的服务机构；或向中小企业提供年新增担保额30亿元以上的融资担保机构。
      check: any_of
      options:
        - name: 融资服务机构
          rules:
            - {code: NA-F11, name: function.financing.amount, title: 帮助中小企业融资总额8亿元以上,
               article: 第十三条（五）, quote: 帮助中小企业融资总额8亿元以上的服务机构,
               check: threshold, field: financing_amount, value: 8, unit: 亿元}
        - name: 融资担保机构
          rules:
            - {code: NA-F12, name: function.financing.guarantee, title: 年新增担保额30亿元以上,
               article: 第十三条（五）, quote: 向中小企业提供年新增担保额30亿元以上的融资担保机构,
               check: threshold, field: guarantee_amount, value: 30, unit: 亿元}
    cases:
      - name: 融资总额9亿元的服务机构满足
        facts: {financing_amount: 9}
        status: pass
        message: 满足“融资服务机构”条件。
      - name: 融资总额6亿元、未申报担保时不满足，差2亿元
        facts: {financing_amount: 6}
        status: fail
        message: 各备选条件均未满足：融资服务机构（不满足）；融资担保机构（未申报、无数据）（融资服务机构：差 2 亿元）
    ```

    ## 读法

    - 一种情形满足即满足；否则有待审核的情形即待审核，再次为缺少数据，最后为不满足。
    - 情形中的定性条件（`review`）只列出，不决定该情形的结论。
    - 情形中的规则按各自的检查类型判断，另一读法和读取不确定的处理同样适用。
    """

    name = "any_of"
    title = "备选条件"
    needs = ("options",)
    alternatives = True

    def evaluate(self, rule: Rule, facts: Facts, run: Evaluate) -> RuleResult:
        return check_any_of(rule, facts, run)

    def requirement(self, rule: Rule, with_variants: bool = True) -> str:
        return structure_text([rule])

    def part(self, rule: Rule, option_name: str = "") -> str | None:
        return "（" + " 或 ".join(option_text(o.name, o.rules) for o in rule.options) + "）"

    def what(self, rule: Rule) -> str:
        return f"满足下列任一情形即可：{structure_text([rule])}。"

    def synthesise(self, rule: Rule, passing: bool) -> dict[str, Any] | None:
        if not rule.options:
            return None
        facts: dict[str, Any] = {}
        for opt in (rule.options[:1] if passing else rule.options):
            for r in opt.rules:
                part = kind_of(r).synthesise(r, passing)
                if part is None and not kind_of(r).qualitative:
                    return None
                facts.update(part or {})
        return facts

    def case_name(self, rule: Rule, want: str) -> str:
        return "满足第一种情形的全部条件" if want == "pass" else "各情形均未满足"


KIND = AnyOf()


# ---------------------------------------------------------------- wording


def option_text(name: str, rules: list[Rule]) -> str:
    """`服务机构：活动≥10次且融资≥8亿元`; an option of one rule is just that rule."""
    parts = [p for p in (kind_of(r).part(r, name) for r in rules) if p]
    if len(rules) == 1 and parts:
        return parts[0]
    return f"{name}：{'且'.join(parts)}" if parts else name


def structure_text(rules: list[Rule]) -> str:
    """The measurable structure of a function's rules: alternatives with 或, all-of with ＋."""
    measurable = [r for r in rules if not kind_of(r).qualitative]
    if len(measurable) == 1 and kind_of(measurable[0]).alternatives:
        return "；或".join(option_text(o.name, o.rules) for o in measurable[0].options)
    parts = [p for p in (kind_of(r).part(r) for r in rules) if p]
    return " ＋ ".join(parts) if parts else "仅定性条件（人工审核）"


# ---------------------------------------------------------------- evaluation


def _branch_claimed(results: list[RuleResult]) -> bool:
    """An alternative the dossier gives no data for at all is not one it claims."""
    measured = [r for r in results if not qualitative(r)]
    return not measured or any(r.status != "missing" for r in measured)


def check_any_of(rule: Rule, facts: Facts, run: Evaluate) -> RuleResult:
    """Alternatives: passes when every rule of one option passes. An option the dossier gives no
    data for is not claimed: a measured shortfall in the other is then a failure with its gap."""
    options: list[dict[str, Any]] = []
    statuses: list[Status] = []
    gaps: list[str] = []
    for opt in rule.options:
        results = [run(r, facts) for r in opt.rules]
        branch = combine_results(results)
        if branch == "missing" and not _branch_claimed(results):
            branch = "fail"
            options.append({"name": opt.name, "status": "fail", "claimed": False, "conditions": [r.to_dict() for r in results]})
        else:
            options.append({"name": opt.name, "status": branch, "conditions": [r.to_dict() for r in results]})
            gaps += [f"{opt.name}：{r.gap}" for r in results if r.status == "fail" and r.gap]
        statuses.append(branch)
    if all(o.get("claimed") is False for o in options):  # no data for any alternative
        statuses = ["missing"]
        for o in options:
            o["status"] = "missing"
            o.pop("claimed")
    status: Status = (
        "pass" if "pass" in statuses else "review" if "review" in statuses
        else "missing" if "missing" in statuses else "fail"
    )
    passed = [str(o["name"]) for o in options if o["status"] == "pass"]
    words = "；".join(
        f"{o['name']}（{'未申报、无数据' if o.get('claimed') is False else status_word(str(o['status']))}）" for o in options
    )
    msg = f"满足“{passed[0]}”条件。" if passed else f"各备选条件均未满足：{words}"
    gap = "；".join(gaps) if status == "fail" and gaps else None
    if gap:
        msg += f"（{gap}）"
    return result(rule, status, facts, message=msg, options=options, gap=gap)


