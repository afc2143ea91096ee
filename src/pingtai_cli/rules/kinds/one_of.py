"""The `one_of` check kind: a text fact of the dossier that must name one of the allowed words."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pingtai_cli.core.models import RuleResult, Status
from pingtai_cli.rules.kinds.base import Evaluate, Facts, Kind, field_words, missing, result
from pingtai_cli.rules.kinds.words import short_label
from pingtai_cli.vocab import label_of

if TYPE_CHECKING:
    from pingtai_cli.rules.schema import Rule


class OneOf(Kind):
    """取值之一（one_of）：申请表中一项文字须含所列词语之一。

    ## 检查什么

    事实 `field` 的文字含 `allowed` 中任一词语即满足，都不含即不满足（按字面包含比较）。

    ## 字段

    - `field`（必填）：文字类事实键，如 `platform_type`。
    - `allowed`（必填）：可接受的词语（任一出现即满足）。

    ## 示例

    ```yaml
    rule:
      code: XX-B09
      name: basic.platform_type
      title: 平台类型为综合性或专业性
      article: 第五条
      quote: 示范平台分为综合性示范平台和专业性示范平台。
      check: one_of
      field: platform_type
      allowed: [综合性, 专业性]
    cases:
      - name: 平台类型为综合性时满足
        facts: {platform_type: 综合性}
        status: pass
        message: 平台类型：综合性。
      - name: 平台类型为其他时不满足
        facts: {platform_type: 其他}
        status: fail
        message: 平台类型：其他。
    ```

    ## 读法

    - 事实缺失：缺少数据。
    - 只比较文字是否包含所列词语，不判断近义词：写法不同的请在 `allowed` 中列出。
    """

    name = "one_of"
    title = "取值之一"
    needs = ("field", "allowed")

    def evaluate(self, rule: Rule, facts: Facts, run: Evaluate) -> RuleResult:
        fact = facts.get(rule.field or "")
        if fact is None:
            return missing(rule, facts, "、".join(rule.allowed))
        text = str(fact.value)
        ok = any(a in text for a in rule.allowed)
        status: Status = "pass" if ok else "fail"
        message = f"{label_of(rule.field or '')}：{text}。"
        return result(rule, status, facts, actual=text, required="、".join(rule.allowed), message=message)

    def requirement(self, rule: Rule, with_variants: bool = True) -> str:
        return f"{short_label(rule.field or '')}含" + "或".join(f"“{a}”" for a in rule.allowed)

    def what(self, rule: Rule) -> str:
        return f"申请表{field_words(rule)}须为{'、'.join(rule.allowed)}之一。"

    def synthesise(self, rule: Rule, passing: bool) -> dict[str, Any] | None:
        return None if rule.field is None else {rule.field: rule.allowed[0] if passing else "其他"}


KIND = OneOf()
