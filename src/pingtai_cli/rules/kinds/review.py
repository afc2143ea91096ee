"""The `review` check kind: a qualitative condition a reviewer decides; pingtai lists it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pingtai_cli.core.models import RuleResult
from pingtai_cli.rules.kinds.base import Evaluate, Facts, Kind, result

if TYPE_CHECKING:
    from pingtai_cli.rules.schema import Rule


class Review(Kind):
    """定性条件（review）：条文中无法由数据判断的条件，列为人工审核项。

    ## 检查什么

    不读任何数据：结论总是“待人工审核”，消息复述条件。未设 `field` 的定性条件不改变结论
    （“健全的管理制度”）；服务功能中标为 `prerequisite: true` 的，在有人确认之前该功能只能
    “待审核”满足。

    ## 字段

    - `prerequisite`：服务功能的前提条件（确认之前该功能不算确定满足）。
    - `field`：可选，条件所涉的事实键；设了 `field` 的审核项计入结论。

    ## 示例

    ```yaml
    rule:
      code: NA-B18
      name: basic.sound_operation
      title: 财务收支状况良好、经营规范、具有可持续发展能力的服务机构
      article: 第十二条（一）
      quote: 财务收支状况良好，经营规范，具有良好的发展前景和可持续发展能力的中小企业服务机构。
      check: review
    cases:
      - name: 定性条件总是交评审人员核实
        facts: {}
        status: review
        message: 定性条件，需评审人员核实：财务收支状况良好、经营规范、具有可持续发展能力的服务机构。
    ```

    ## 读法

    - pingtai 不替评审人员判断定性条件：没有“满足”或“不满足”的结论，也没有合成的示例。
    - 申报单位在申请报告相应章节写明情况并附佐证材料。
    """

    name = "review"
    title = "定性条件"
    qualitative = True

    def evaluate(self, rule: Rule, facts: Facts, run: Evaluate) -> RuleResult:
        return result(rule, "review", facts, message=f"定性条件，需评审人员核实：{rule.title}。")

    def requirement(self, rule: Rule, with_variants: bool = True) -> str:
        return "定性条件（人工审核）"

    def part(self, rule: Rule, option_name: str = "") -> str | None:
        return None

    def what(self, rule: Rule) -> str:
        return f"定性条件：{rule.title}。pingtai 不自动判断，列为人工审核项，不改变结论。"

    def fix(self, rule: Rule) -> str:
        return "在申请报告相应章节写明情况并附佐证材料，供评审人员核实。"


KIND = Review()
