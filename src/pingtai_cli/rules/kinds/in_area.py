"""The `in_area` check kind: registered inside the area the ruleset covers (by administrative division)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pingtai_cli.core.models import RuleResult, Status
from pingtai_cli.rules.kinds.base import Evaluate, Facts, Kind, result
from pingtai_cli.vocab import value_word

if TYPE_CHECKING:
    from pingtai_cli.rules.schema import Rule

AREA_FACT = "registered_area"  # derived from the credit code and the address (derive.area_fact)


class InArea(Kind):
    """注册地（in_area）：申报单位在本办法的地区范围内注册登记。

    ## 检查什么

    按行政区划（GB/T 2260）判断：统一社会信用代码第3–8位（登记管理机关行政区划码）与申请表
    “所在地区”“注册地址”所指的县（市、区）在规则文件 `area` 的代码前缀之内即满足。
    在其外时交人工审核，不判不满足：信用代码第3–8位是赋码时的登记管理机关（迁址后不变），地址由申报单位
    填写，二者都只是推断，注册登记地以营业执照的登记机关和住所为准，由评审人员核对；结论写明两种情形
    （确在区外：不符合条件；已在区内：按其余各项）。判断所用的事实是推导出的 `registered_area`
    （in、out、conflict、unknown）。

    文本没有把注册地列为基本条件、只规定由本地区主管部门推荐本地区平台的（`area` 而无本类规则），
    地区按同一方法作为条件 `area.code` 检查，只在申报单位可能不在本地区时列出（out、conflict）。

    ## 字段

    - 无必填字段：地区范围取自规则文件顶层的 `area`（`codes` 为行政区划代码前缀）。
    - `field`：可选，记录所依据的申请表事实（如 `region`），证据取自该事实。

    ## 示例

    ```yaml
    rule:
      code: XC-B01
      name: basic.registered_in_city
      title: 在许昌市注册登记
      article: 第七条（一）
      quote: 在我市注册登记
      check: in_area
    cases:
      - name: 长葛市的单位在许昌市注册登记
        facts: {registered_area: {value: in, raw: 河南省许昌市长葛市}}
        status: pass
        message: 河南省许昌市长葛市：在本办法的地区范围内。
      - name: 信用代码和地址都指向郑州市时交人工审核
        facts: {registered_area: {value: out, raw: 河南省郑州市金水区}}
        status: review
        message: 河南省郑州市金水区：据此推断注册登记地不在本办法的地区范围内。统一社会信用代码第3–8位是赋码时的登记管理机关，迁址后不变；申请表地址由申报单位填写：二者都只是推断。若确在本地区以外注册登记，不满足“在许昌市注册登记”（第七条（一）），不能在本地区认定，结论为“不符合条件”；若已在本地区注册登记，本项满足，按其余各项判断。请评审人员核对营业执照的登记机关和住所后确定。
      - name: 信用代码与地址所指不一致时交人工审核
        facts: {registered_area: {value: conflict, raw: 信用代码 411082，地址 河南省郑州市}}
        status: review
        message: 信用代码 411082，地址 河南省郑州市：统一社会信用代码与地址所指的行政区划不一致，请核对营业执照，由评审人员确认注册登记地。
    ```

    ## 读法

    - 没有信用代码、所在地区和注册地址：缺少数据。
    - 推断在区外：交人工审核，写明确在区外（不符合条件）与已在区内（按其余各项）两种结论。
    - 信用代码与地址不一致，或只写到省、无法确定县（市、区）：交人工审核。
    """

    name = "in_area"
    title = "注册地"
    outcomes = ("pass", "review")  # outside is inferred, never proven

    def fact_key(self, rule: Rule) -> str | None:
        return AREA_FACT

    def evaluate(self, rule: Rule, facts: Facts, run: Evaluate) -> RuleResult:
        """Registered inside the ruleset's `area`, by GB/T 2260 division (derive.area_fact)."""
        fact = facts.get(AREA_FACT)
        if fact is None:
            msg = "缺少数据：申请表未填写“所在地区”“注册地址”或统一社会信用代码，无法判断注册登记地。"
            return result(rule, "missing", facts, required=rule.title, message=msg)
        shown = fact.raw or ""
        status: Status
        if fact.value == "in":
            status, msg = "pass", f"{shown}：在本办法的地区范围内。"
        elif fact.value == "out":  # inferred, never proven: the reviewer reads the licence
            status = "review"
            msg = (
                f"{shown}：据此推断注册登记地不在本办法的地区范围内。统一社会信用代码第3–8位是赋码时的登记管理机关，"
                f"迁址后不变；申请表地址由申报单位填写：二者都只是推断。若确在本地区以外注册登记，不满足“{rule.title}”"
                f"（{rule.article}），不能在本地区认定，结论为“不符合条件”；若已在本地区注册登记，本项满足，按其余各项判断。"
                f"请评审人员核对营业执照的登记机关和住所后确定。"
            )
        elif fact.value == "conflict":
            status = "review"
            msg = f"{shown}：统一社会信用代码与地址所指的行政区划不一致，请核对营业执照，由评审人员确认注册登记地。"
        else:
            status = "review"
            msg = f"{shown}：无法确定是否“{rule.title}”，请把“所在地区”写到县（市、区），如“河南省许昌市长葛市”。"
        actual = value_word(AREA_FACT, fact.value)  # vocab/facts.yaml
        return result(rule, status, facts, actual=actual, required=rule.title, message=msg)

    def requirement(self, rule: Rule, with_variants: bool = True) -> str:
        return "须在本地区注册登记（按行政区划）"

    def part(self, rule: Rule, option_name: str = "") -> str | None:
        return self.requirement(rule)

    def what(self, rule: Rule) -> str:
        return ("按行政区划（GB/T 2260）判断：统一社会信用代码第3–8位与申请表“所在地区”“注册地址”所指的县（市、区）"
                "在本办法的地区范围内即满足；推断在区外、二者不一致或无法确定的交人工审核（结论为“待审核”），"
                "注册登记地以营业执照为准。")


KIND = InArea()
