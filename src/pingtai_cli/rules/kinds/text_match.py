"""The `text_match` check kind: lines of a text fact compared with what the clause names."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from pingtai_cli.core.fmt import fmt
from pingtai_cli.core.models import Fact, RuleResult
from pingtai_cli.rules.kinds.base import Evaluate, Facts, Kind, field_words, missing, result
from pingtai_cli.vocab import label_of

if TYPE_CHECKING:
    from pingtai_cli.rules.schema import Rule

NONE_WORDS = {"无", "没有", "暂无", "否", "none", "-", "—", "/"}
# A recognition still applied for is not one obtained (已获认定). 申报中小企业… and
# 认定中小企业… are ordinary phrases, not "being applied for".
PENDING_RE = re.compile(r"拟申|拟参|正在申|申请中(?!小)|申报中(?!小)|待认定|准备申|计划申|将申")
_PENDING_ASIDE = re.compile(r"[（(][^）)]*?(?:" + PENDING_RE.pattern + r")[^）)]*[）)]")
_CLAUSES = re.compile(r"[，,；;]")


class TextMatch(Kind):
    """文字比对（text_match）：申请表中逐行填写的文字与条文所列的认定、资质比对。

    ## 检查什么

    事实 `field`（通常是“已获认定”，每行一项）逐行与 `patterns` 比对：有一行写明条文所列的即满足；
    只与 `review_patterns` 相符的（可能属于、条文未写明）交人工审核；都不相符的不满足。
    尚在申请中的（“拟申报”“申请中”）不是已获得的认定。
    用在排除情形（`exclusions`）中时方向相反：写明条文所列的即属于排除情形（不满足），
    可能属于的交人工审核，没有任何认定应填“无”。

    ## 字段

    - `field`（必填）：逐行文字类事实键，如 `prior_recognitions`。
    - `patterns`（必填）：条文写明的内容，正则表达式（RE2，线性时间）。
    - `review_patterns`：条文可能包括、须人工判断的内容；不设时凡不相符的行都交人工审核。

    ## 示例

    ```yaml
    rule:
      code: NA-B10
      name: basic.prior_recognition
      title: 获得省级示范平台认定或国家部委、全国性行业协会的相关认定
      article: 第十二条（四）
      quote: 获得省级示范平台认定或国家部委、全国性行业协会的相关认定。
      check: text_match
      field: prior_recognitions
      patterns: ["省[^市县区]{0,12}中小企业公共服务示范平台"]
      review_patterns: ["(国家|国务院|全国|中国|部|总局|委员会)"]
    cases:
      - name: 已获省级示范平台认定时满足
        facts: {prior_recognitions: [2023年 辽宁省中小企业公共服务示范平台]}
        status: pass
        message: 已获认定：2023年 辽宁省中小企业公共服务示范平台。
      - name: 国家高新技术企业交人工审核
        facts: {prior_recognitions: [国家高新技术企业]}
        status: review
        message: 已获认定“国家高新技术企业”不是第十二条（四）写明的认定，是否属于“获得省级示范平台认定或国家部委、全国性行业协会的相关认定”需认定机关判断；请附认定文件，由评审人员核实。
      - name: 只有市级认定时不满足
        facts: {prior_recognitions: [沈阳市中小企业公共服务示范平台]}
        status: fail
        message: 已获认定“沈阳市中小企业公共服务示范平台”不属于第十二条（四）所列的认定（“获得省级示范平台认定或国家部委、全国性行业协会的相关认定。”），不满足“获得省级示范平台认定或国家部委、全国性行业协会的相关认定”。
    ```

    ## 读法

    - 事实缺失：缺少数据；填“无”“没有”等视为没有任何认定。
    - 一行中说明尚在申请的分句或括注不计（“……示范平台（2025年拟申报国家级）”只看示范平台）。
    - 正则表达式只按字面比对，是否属于条文所指由 `review_patterns` 交人工判断，pingtai 不猜。
    """

    name = "text_match"
    title = "文字比对"
    needs = ("field", "patterns")

    def evaluate(self, rule: Rule, facts: Facts, run: Evaluate) -> RuleResult:
        return check_text_match(rule, facts)

    def requirement(self, rule: Rule, with_variants: bool = True) -> str:
        return "须有相应记载（按文字比对）"

    def what(self, rule: Rule) -> str:
        field = field_words(rule)
        if rule.review_patterns:
            return (f"申请表{field}逐行比对：文本写明的（{rule.title}）视为满足；可能属于但文本未写明的交人工审核"
                    "（结论为“待审核”）；文本未列的不满足。")
        return f"申请表{field}逐行比对，写明“{rule.title}”一类内容的视为满足；填写了但无法判断的交人工审核（结论为“待审核”）。"


KIND = TextMatch()


def _obtained(line: str) -> str:
    """The part of a line that names what was obtained: `…示范平台（2025年拟申报国家级）` keeps
    the platform, a clause or aside about a pending application is dropped."""
    line = _PENDING_ASIDE.sub("", line)
    return "，".join(c for c in _CLAUSES.split(line) if not PENDING_RE.search(c))


def _lines(fact: Fact) -> list[str]:
    value = fact.value
    items = value if isinstance(value, list) else [value]
    return [str(x).strip() for x in items if str(x).strip() and str(x).strip().lower() not in NONE_WORDS]


def _matching(patterns: list[str], lines: list[str]) -> list[str]:
    from pingtai_cli.core.patterns import search  # RE2: a ruleset's pattern runs in linear time

    return [line for line in lines if any(search(p, _obtained(line)) for p in patterns)]


def _sorted_lines(rule: Rule, lines: list[str]) -> tuple[list[str], list[str], list[str]]:
    """(lines the text names, lines it may name, the rest): `patterns`, `review_patterns`, neither."""
    named = _matching(rule.patterns, lines)
    maybe = [x for x in _matching(rule.review_patterns, lines) if x not in named]
    rest = [x for x in lines if x not in named and x not in maybe]
    return named, maybe, rest


def check_text_match(rule: Rule, facts: Facts) -> RuleResult:
    """Requirement form: what the text names passes, what it may name goes to review, what it does
    not name does not pass. A rule without `review_patterns` sends every unmatched line to review."""
    fact = facts.get(rule.field or "")
    if fact is None:
        return missing(rule, facts, "相关认定")
    lines = _lines(fact)
    named, maybe, rest = _sorted_lines(rule, lines)
    if named:
        return result(rule, "pass", facts, actual=named, required="相关认定", message=f"已获认定：{fmt(named)}。")
    pending = [line for line in lines if not _obtained(line).strip()]
    if pending and pending == lines:
        msg = f"“{fmt(pending)}”尚在申请，不是已获得的认定，不满足“{rule.title}”。"
        return result(rule, "fail", facts, actual=pending, required="相关认定", message=msg)
    unclear = maybe if rule.review_patterns else [x for x in lines if x not in pending]
    if unclear:
        msg = (
            f"已获认定“{fmt(unclear)}”不是{rule.article}写明的认定，是否属于“{rule.title}”"
            f"需认定机关判断；请附认定文件，由评审人员核实。"
        )
        return result(rule, "review", facts, actual=unclear, required="相关认定", message=msg)
    if lines:
        msg = f"已获认定“{fmt(lines)}”不属于{rule.article}所列的认定（“{rule.quote}”），不满足“{rule.title}”。"
        return result(rule, "fail", facts, actual=lines, required="相关认定", message=msg)
    if _said_none(fact):  # 无 was written: no recognition, said so, not a field left blank
        msg = f"已获认定填写“{(fact.raw or '无').strip()}”，没有{rule.article}所列的认定，不满足“{rule.title}”。"
        return result(rule, "fail", facts, actual=[], required="相关认定", message=msg)
    return result(rule, "fail", facts, actual=[], required="相关认定", message=f"未填写任何已获认定，不满足“{rule.title}”。")


def matches_exclusion(rule: Rule, facts: Facts) -> RuleResult:
    """Exclusion form: the rule *applies* (status fail) when a line names what the text names; a
    line that may name it is for review; no data at all is missing data, not 'no exclusion'."""
    fact = facts.get(rule.field or "")
    if fact is None or (not _lines(fact) and not _said_none(fact)):
        label = label_of(rule.field or "")
        msg = f"缺少数据：未填写“{label}”，无法判断是否属于“{rule.title}”；没有任何认定请填写“无”。"
        return result(rule, "missing", facts, actual=[], message=msg)
    lines = _lines(fact)
    named, maybe, _ = _sorted_lines(rule, lines)
    if named:
        return result(rule, "fail", facts, actual=named, message=f"已获“{fmt(named)}”，属于“{rule.title}”。")
    if maybe:
        msg = f"已获“{fmt(maybe)}”可能属于“{rule.title}”（{rule.article}），需评审人员核实认定级别和名称。"
        return result(rule, "review", facts, actual=maybe, message=msg)
    return result(rule, "pass", facts, actual=lines, message="未发现排除情形。")


def _said_none(fact: Fact) -> bool:
    """无 (没有, /…) was written: the reader keeps no line of it (an empty list), the raw text says it."""
    value = fact.value
    items = value if isinstance(value, list) else [value]
    written = [*items, *(fact.raw.splitlines() if isinstance(fact.raw, str) and fact.raw.strip() else [])]
    return any(str(x).strip().lower() in NONE_WORDS for x in written)


