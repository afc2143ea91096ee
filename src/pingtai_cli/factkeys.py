"""The canonical fact keys of the dossier contract (spec §1.1), their labels and units.

Keys and labels here are a contract: extend, never rename. `extra` marks keys
pingtai adds beyond the spec (forms need contact details, xuchang 第九条 needs an
endorsement flag).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Kind = Literal["text", "number", "date", "bool", "list"]


@dataclass(frozen=True)
class FactKey:
    key: str
    labels: tuple[str, ...]
    kind: Kind
    unit: str | None = None  # the unit values are normalised to
    hint: str = ""  # shown in `pingtai init`'s form
    extra: bool = False  # not in the spec table, added by pingtai


def _k(key: str, labels: str, kind: Kind, unit: str | None = None, hint: str = "", extra: bool = False) -> FactKey:
    return FactKey(key, tuple(labels.split("|")), kind, unit, hint, extra)


FACT_KEYS: tuple[FactKey, ...] = (
    _k("org_name", "单位名称|申请单位名称|运营单位名称|示范平台运营单位名称", "text"),
    _k("platform_name", "平台名称", "text"),
    _k("credit_code", "统一社会信用代码", "text", hint="18位，含校验码"),
    _k("org_type", "单位性质", "text", hint="企业法人/事业单位法人/社会团体法人/民办非企业单位/非法人分支机构"),
    _k("registration_date", "注册日期|成立日期|注册登记日期", "date", hint="如 2019年3月15日"),
    _k("registered_address", "注册地址", "text"),
    _k("region", "所在地区|所属地区", "text", hint="写到县（市、区），如 某某省某某市某某区"),
    _k("registered_capital", "注册资本", "number", "万元"),
    _k("total_assets", "资产总额|上年末总资产", "number", "万元"),
    _k("service_area", "服务场地面积|办公场所面积", "number", "平方米"),
    _k("staff_total", "从业人数|从事为中小企业服务的人员|专职从业人数", "number", "人"),
    _k("staff_qualified", "大专及以上学历和中级及以上技术职称的专业人员|大专及以上学历和中级及以上技术职称的专业人员人数", "number", "人"),
    _k("smes_served", "年服务中小企业数|上一年度共服务企业", "number", "家"),
    _k("satisfaction_rate", "用户满意度", "number", "%"),
    _k("agencies_aggregated", "集聚服务机构数", "number", "家"),
    _k("free_service_share", "公益性服务或低收费服务占比", "number", "%"),
    _k("platform_type", "平台类型", "text", hint="综合性 / 专业性"),
    _k("functions_declared", "申报服务功能", "list", hint="信息、技术、创业、培训、融资、综合，可多选，用顿号分隔"),
    _k("prior_recognitions", "已获认定", "list", hint="每行一项：年份、认定名称、认定单位，如 2023年 某某市中小企业公共服务示范平台（某某市工信局）；没有填“无”"),
    _k("info_offline_smes", "信息服务线下年服务企业数", "number", "家"),
    _k("info_activities", "信息服务年活动次数", "number", "次"),
    _k("tech_activities", "技术服务年活动次数", "number", "次"),
    _k("startup_events", "创业项目洽谈推介年活动次数", "number", "次"),
    _k("training_person_times", "年培训人次", "number", "人次"),
    _k("financing_activities", "投融资对接等年活动次数", "number", "次"),
    _k("financing_amount", "帮助中小企业融资总额", "number", "亿元"),
    _k("guarantee_amount", "年新增担保额", "number", "亿元"),
    _k("is_guarantee_institution", "是否融资担保机构", "bool"),
    _k("financial_license", "是否持有金融牌照", "bool"),
    _k("financing_business_share", "融资性业务规模占比", "number", "%"),
    _k("small_agri_share", "支小支农业务占比", "number", "%"),
    _k("is_renewal", "是否再次申报", "bool"),
    _k("comprehensive_center", "是否当地政府或工信部门成立、认定或指定的中小企业服务中心", "bool"),
    _k("western_region", "是否属于西部大开发政策区域", "bool"),
    _k("underdeveloped_region", "是否属于公共服务平台建设水平较低地区", "bool"),
    _k("remote_or_poor_county", "是否属于边远地区或贫困县", "bool"),
    _k("social_org_sponsor", "是否由社团法人主办", "bool"),
    _k("key_industry_branch", "是否服务重点发展或紧缺行业的非法人分支机构", "bool"),
    _k("local_tax_paid", "是否在当地依法纳税", "bool"),
    _k("application_date", "填报日期|申报日期", "date"),
    # pingtai's extensions
    _k("authority_endorsed", "是否经属地主管部门认可放宽认定条件", "bool", extra=True),
    _k("legal_representative", "法定代表人", "text", extra=True),
    _k("contact_person", "联系人", "text", extra=True),
    _k("contact_phone", "联系电话|联系人电话", "text", extra=True),
    _k("mobile_phone", "手机|手机号码|联系人手机", "text", extra=True),
    _k("fax", "传真|传真号码", "text", extra=True),
    _k("postal_code", "邮政编码", "text", extra=True),
    _k("website", "网址及备案号|网址", "text", extra=True),
    _k("email", "电子邮件|电子邮箱", "text", extra=True),
    _k("recommending_unit", "推荐单位|推荐县（市、区）", "text", extra=True),
    # the xuchang 申请表 (附件2) asks for these; other forms may print them
    _k("owned_area", "自有场地面积|自有面积", "number", "平方米", extra=True),
    _k("rented_area", "租用场地面积|租用面积", "number", "平方米", extra=True),
    _k("equipment_quantity", "仪器、设备数量|仪器设备数量|设备数量", "number", "台套", extra=True),
    _k("equipment_price", "仪器设备购买价格|设备购买价格|设备购买价格合计", "number", "万元", extra=True),
    _k("qualifications", "获得专业服务资质情况|专业服务资质情况|服务资质情况", "text", extra=True),
    _k("government_support", "得到政府扶持的情况|政府扶持情况|获得政府支持情况", "text", extra=True),
)

BY_KEY: dict[str, FactKey] = {fk.key: fk for fk in FACT_KEYS}

# Facts computed from other facts (derive.py); rules may test them like any key.
DERIVED_KEYS: dict[str, tuple[str, str | None]] = {
    "operating_years": ("运营年限", "年"),
    "full_calendar_years": ("完整自然年度数", "年"),
    "staff_qualified_ratio": ("专业人员占比", "%"),
    "smes_growth": ("近两年服务企业数量稳步增长", None),
    "is_legal_person": ("具有独立法人资格", None),
    "functions_only_comprehensive": ("仅申报综合服务功能", None),
    "registered_area": ("注册登记地", None),
    "smes_growth_three_years": ("近三年服务企业数量逐年增长", None),
    "staff_qualified_ratio_cap": ("人员名单所示专业人员占比上限", "%"),
    "staff_qualified_ratio_both": ("学历和职称兼具的专业人员占比", "%"),
    "agencies_aggregated_list": ("合作单位名单所列机构数", "家"),
    "satisfaction_rate_list": ("服务企业名单所示满意度", "%"),
    "renewal_at_term_end": ("三年期满再次认定", None),
}


# Columns of the yearly operation table (spec §1.2), by the names the reader gives them; a
# ruleset's declared ratio or growth may use them (服务收入 ÷ 营业收入 of the latest year).
YEARLY_COLUMNS: dict[str, str] = {
    "revenue": "营业收入",
    "service_revenue": "服务收入",
    "total_assets": "资产总额",
    "profit": "利润总额",
    "tax": "上缴税金",
    "smes_served": "服务中小企业数",
}


# Facts read only from the documents themselves (extract/docfacts.py), never from the form.
DOCUMENT_KEYS: dict[str, str] = {
    "audit_year": "审计年度",
    "report_date": "报告日期",
    "has_seal": "红色公章",
}


# Labels of the fact keys rulesets declare (`facts:`), registered when a ruleset is loaded so that
# messages name them in Chinese like the built-in ones.
DECLARED_LABELS: dict[str, str] = {}


def label_of(key: str) -> str:
    """The first Chinese label of a key (derived and document keys included), for messages."""
    if key in BY_KEY:
        return BY_KEY[key].labels[0]
    if key in DERIVED_KEYS:
        return DERIVED_KEYS[key][0]
    if key.startswith("region:"):  # a ruleset's region set (ruleset.REGION_FACT)
        return f"属于{key.removeprefix('region:')}"
    return DECLARED_LABELS.get(key) or DOCUMENT_KEYS.get(key, key)


def unit_of(key: str) -> str | None:
    if key in BY_KEY:
        return BY_KEY[key].unit
    if key in DERIVED_KEYS:
        return DERIVED_KEYS[key][1]
    return None
