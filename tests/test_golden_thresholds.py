"""The golden table: every number of the five texts, typed from the texts, checked against the rulesets.

Nothing here is read from the YAML. Each row names the clause it was copied from, so a
wrong number in a ruleset (or a number the ruleset invents) fails with the article to check.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from pingtai_cli.rules.schema import Rule, Ruleset, load_ruleset

# ---------------------------------------------------------------- the texts, by hand

# Basic conditions: field → threshold (all ">=": 以上/不低于/不少于 include the number).
BASIC: dict[str, dict[str, float]] = {
    # 000 国家 第十二条（一）运营两年以上 资产总额不低于300万元（二）150家以上 80%以上（三）5家以上
    # （五）不少于总服务量的20%（六）不少于20人 占80%以上
    "national": {
        "operating_years": 2,
        "total_assets": 300,
        "smes_served": 150,
        "satisfaction_rate": 80,
        "agencies_aggregated": 5,
        "free_service_share": 20,
        "staff_total": 20,
        "staff_qualified_ratio": 80,
    },
    # 001 辽宁 第十二条（一）运营两年以上 不低于100万元（二）80家以上 80%以上（三）3家以上
    # （五）15%（六）不少于10人 占70%以上
    "liaoning": {
        "operating_years": 2,
        "total_assets": 100,
        "smes_served": 80,
        "satisfaction_rate": 80,
        "agencies_aggregated": 3,
        "free_service_share": 15,
        "staff_total": 10,
        "staff_qualified_ratio": 70,
    },
    # 004 黑龙江 第六条（一）运营一年以上 不低于 50 万元（二）50 家以上 80% 以上（三）3家以上
    # （四）10%（五）不少于10人 占80%以上
    "heilongjiang": {
        "operating_years": 1,
        "total_assets": 50,
        "smes_served": 50,
        "satisfaction_rate": 80,
        "agencies_aggregated": 3,
        "free_service_share": 10,
        "staff_total": 10,
        "staff_qualified_ratio": 80,
    },
    # 002 许昌 第七条（一）1个自然年度以上（二）不低于50万元（三）不少于8人 占80％以上
    # （四）5家以上（五）20%以上（六）不少于50家 80%以上
    "xuchang": {
        "full_calendar_years": 1,
        "total_assets": 50,
        "staff_total": 8,
        "staff_qualified_ratio": 80,
        "agencies_aggregated": 5,
        "free_service_share": 20,
        "smes_served": 50,
        "satisfaction_rate": 80,
    },
    # 003 韶关 第七条（一）注册登记时间2年以上 不低于100万元（二）50 家以上 80% 以上
    # （三）不少于 150 平方米（四）15%（五）不少于 6 人 不低于 50%
    "shaoguan": {
        "operating_years": 2,
        "total_assets": 100,
        "smes_served": 50,
        "satisfaction_rate": 80,
        "service_area": 150,
        "free_service_share": 15,
        "staff_total": 6,
        "staff_qualified_ratio": 50,
    },
}

# Basic yes/no and text conditions: field → check kind.
BASIC_OTHER: dict[str, dict[str, str]] = {
    "national": {
        "is_legal_person": "flag",
        "smes_growth": "flag",
        "prior_recognitions": "text_match",
    },
    "liaoning": {
        "is_legal_person": "flag",
        "smes_growth": "flag",
        "prior_recognitions": "text_match",
    },
    "heilongjiang": {
        "is_legal_person": "flag",
        "smes_growth": "flag",
    },  # no prior-recognition clause
    "xuchang": {"region": "in_area", "is_legal_person": "flag", "smes_growth": "flag"},  # 第七条（一）在我市注册登记: by GB/T 2260 division
    "shaoguan": {"is_legal_person": "flag", "smes_growth": "flag"},
}

# Functions other than financing: function → {field: threshold}; flags as True.
FUNCTIONS: dict[str, dict[str, dict[str, Any]]] = {
    # 国家 第十三条：线下150家以上 8次以上；技术5次；创业8次；培训2000人次
    "national": {
        "information": {"info_offline_smes": 150, "info_activities": 8},
        "technology": {"tech_activities": 5},
        "startup": {"startup_events": 8},
        "training": {"training_person_times": 2000},
    },
    # 辽宁 第十三条：120家 5次；技术3次；创业5次；培训1500人次
    "liaoning": {
        "information": {"info_offline_smes": 120, "info_activities": 5},
        "technology": {"tech_activities": 3},
        "startup": {"startup_events": 5},
        "training": {"training_person_times": 1500},
    },
    # 黑龙江 第七条：50家 5次；技术3次；创业5次；培训500人次
    "heilongjiang": {
        "information": {"info_offline_smes": 50, "info_activities": 5},
        "technology": {"tech_activities": 3},
        "startup": {"startup_events": 5},
        "training": {"training_person_times": 500},
    },
    # 许昌 第八条：60家 5次；技术5次；创业5次；培训600人次
    "xuchang": {
        "information": {"info_offline_smes": 60, "info_activities": 5},
        "technology": {"tech_activities": 5},
        "startup": {"startup_events": 5},
        "training": {"training_person_times": 600},
    },
    # 韶关 第八条：60 家 3 次；技术 1 次；创业 3 次；培训 600 人次；（六）综合服务：服务中心
    "shaoguan": {
        "information": {"info_offline_smes": 60, "info_activities": 3},
        "technology": {"tech_activities": 1},
        "startup": {"startup_events": 3},
        "training": {"training_person_times": 600},
        "comprehensive": {"comprehensive_center": True},
    },
}

# Financing: (service agency: activities, 亿元) OR (guarantee institution: 亿元 new guarantees).
FINANCING_EITHER: dict[str, tuple[float, float, float]] = {
    "national": (10, 8, 30),  # 第十三条（五）10次以上 8亿元以上；担保额30亿元以上
    "liaoning": (8, 5, 20),  # 第十三条（五）8次 5亿元；20亿元
    "heilongjiang": (5, 1, 3),  # 第七条（五）5次 1亿元；3亿元
    "xuchang": (5, 1, 0.5),  # 第八条（五）5次 1亿元；0.5亿元
}

# Count rules: (min, by platform type).
COUNT: dict[str, tuple[int, dict[str, int]]] = {
    "national": (1, {}),  # 第十三条 至少一项
    "liaoning": (1, {}),  # 第十三条 至少一项
    "heilongjiang": (1, {}),  # 第七条 至少一项
    "xuchang": (1, {"综合性": 2, "专业性": 1}),  # 第八条 综合性至少2项，专业性至少1项
    "shaoguan": (1, {}),  # 第八条 至少一项
}

# Relaxation flags → the basic fields whose failure they make `relaxable`.
MEASURED_NO_45 = {  # 国家/辽宁 （一）（二）（三）（六）: not （四） recognition, not （五） free share
    "is_legal_person",
    "operating_years",
    "total_assets",
    "smes_served",
    "satisfaction_rate",
    "smes_growth",
    "agencies_aggregated",
    "staff_total",
    "staff_qualified_ratio",
}
RELAXED_BASIC: dict[str, dict[tuple[str, ...], set[str]]] = {
    "national": {("western_region",): MEASURED_NO_45},
    "liaoning": {("underdeveloped_region",): MEASURED_NO_45},
    "heilongjiang": {
        ("remote_or_poor_county",): set(BASIC["heilongjiang"]) | {"is_legal_person", "smes_growth"},
        ("social_org_sponsor",): {"total_assets"},
    },
    "xuchang": {
        ("key_industry_branch", "local_tax_paid"): {"is_legal_person"},
        ("authority_endorsed",): set(BASIC["xuchang"]) | {"is_legal_person", "smes_growth"},
    },
    "shaoguan": {},
}

AREA = {"liaoning": ["21"], "heilongjiang": ["23"], "xuchang": ["4110"], "shaoguan": ["4402"]}
PUBLICITY_DAYS = {"national": 15, "liaoning": 15, "xuchang": 5}  # 第十八条/第十八条/第十一条（四）
ANNUAL_SUMMARY = {  # platforms report their year
    "national": "每年2月底前",  # 第二十二条 → 省级主管部门
    "liaoning": "每年1月底前",  # 第二十二条 → 各市
    "heilongjiang": "每年1月底",  # 第十三条 → 所属市（地）
    "shaoguan": "每年1月底前",  # 第十四条 → 各县（市、区）
}
BUREAU_REPORT = {  # the bureaus report up
    "national": "每年3月底前",  # 第二十四条
    "liaoning": "每年2月底前",  # 第二十四条
    "heilongjiang": "每年2月底",  # 第十四条
    "xuchang": "每年2月底前",  # 第十四条
    "shaoguan": "每年2月底前",  # 第十五条
}
MATERIAL_KEYS = {
    "national": {
        "application_report",
        "business_license",
        "audit_report",
        "premises_proof",
        "service_evidence",
        "recognition_docs",
        "qualification_certs",
        "authenticity_declaration",
        "other_supporting",
    },
    "heilongjiang": {
        "application_report",
        "business_license",
        "audit_report",
        "premises_proof",
        "service_evidence",
        "qualification_certs",
        "other_supporting",
        "authenticity_declaration",
    },
    "xuchang": {
        "application_report",
        "business_license",
        "local_tax_proof",
        "credit_report",
        "premises_proof",
        "qualification_certs",
        "audit_report",
        "equipment_list",
        "management_rules",
        "staff_list",
        "served_sme_list",
        "development_plan",
        "service_evidence",
        "other_supporting",
        "authenticity_declaration",
    },
    "shaoguan": set(),
}
MATERIAL_KEYS["liaoning"] = MATERIAL_KEYS["national"]
ITEMS_LISTED = {"national": 8, "liaoning": 8, "heilongjiang": 8, "xuchang": 14, "shaoguan": 0}

KEYS = list(BASIC)


# ---------------------------------------------------------------- reading the rulesets


def _rs(key: str) -> Ruleset:
    return load_ruleset(key)


def _thresholds(rules: list[Rule]) -> dict[str, float]:
    return {
        r.field: r.value
        for r in rules
        if r.check == "threshold" and r.field and r.value is not None
    }


def _others(rules: list[Rule]) -> dict[str, str]:
    return {
        r.field: r.check for r in rules if r.check in ("flag", "one_of", "text_match", "in_area") and r.field
    }


def _function(rs: Ruleset, name: str) -> list[Rule]:
    return next(f.rules for f in rs.functions.items if f.function == name)


def _summary(rules: list[Rule]) -> dict[str, Any]:
    """A function's measurable content: thresholds, flags, and any_of options (recursively)."""
    out: dict[str, Any] = dict(_thresholds(rules))
    out.update({r.field: True for r in rules if r.check == "flag" and r.field})
    for r in rules:
        if r.check == "any_of":
            out.setdefault("any_of", []).append([_summary(opt.rules) for opt in r.options])
    return out


# ---------------------------------------------------------------- the table


@pytest.mark.parametrize("key", KEYS)
def test_basic_thresholds_match_the_text(key: str) -> None:
    assert _thresholds(_rs(key).basic) == BASIC[key]


@pytest.mark.parametrize("key", KEYS)
def test_every_threshold_is_inclusive(key: str) -> None:
    assert {r.op for r in _rs(key).all_rules() if r.check == "threshold"} == {">="}


@pytest.mark.parametrize("key", KEYS)
def test_basic_yes_no_and_text_conditions_match_the_text(key: str) -> None:
    assert _others(_rs(key).basic) == BASIC_OTHER[key]


@pytest.mark.parametrize("key", KEYS)
def test_functions_other_than_financing_match_the_text(key: str) -> None:
    rs = _rs(key)
    offered = {f.function for f in rs.functions.items} - {"financing"}
    assert offered == set(FUNCTIONS[key])
    for name, expected in FUNCTIONS[key].items():
        assert _summary(_function(rs, name)) == expected, name


@pytest.mark.parametrize("key", list(FINANCING_EITHER))
def test_financing_is_service_agency_or_guarantee_institution(key: str) -> None:
    activities, amount, guarantee = FINANCING_EITHER[key]
    assert _summary(_function(_rs(key), "financing")) == {
        "any_of": [
            [
                {"financing_activities": activities, "financing_amount": amount},
                {"is_guarantee_institution": True, "guarantee_amount": guarantee},
            ]
        ]
    }


def test_shaoguan_financing_needs_licence_activities_shares_and_volume() -> None:
    # 第八条（五）金融牌照；3 次以上；两项占比分别 50% 以上；融资总额 2 亿元以上，或年新增担保额 12 亿元以上
    rules = _function(_rs("shaoguan"), "financing")
    assert _summary(rules) == {
        "financial_license": True,
        "financing_activities": 3,
        "financing_business_share": 50,
        "small_agri_share": 50,
        "any_of": [[{"financing_amount": 2}, {"guarantee_amount": 12}]],
    }
    # 三年期满再次认定时“支小支农”业务占比达到 60% 以上
    agri = next(r for r in rules if r.field == "small_agri_share")
    assert [(v.when.field, v.when.equals, v.value) for v in agri.variants] == [
        ("renewal_at_term_end", True, 60)  # 是否再次申报 + the year of the last recognition
    ]


def test_shaoguan_assets_are_50_when_only_the_comprehensive_function_is_declared() -> None:
    # 第七条（一）（仅申报综合服务功能的平台资产总额不低于 50 万元)
    assets = next(r for r in _rs("shaoguan").basic if r.field == "total_assets")
    assert [(v.when.field, v.when.equals, v.value) for v in assets.variants] == [
        ("functions_only_comprehensive", True, 50)
    ]


def test_no_other_rule_has_a_variant() -> None:
    with_variants = {
        (rs.key, r.code) for rs in map(_rs, KEYS) for r in rs.all_rules() if r.variants
    }
    assert with_variants == {("shaoguan", "SG-B03"), ("shaoguan", "SG-F13")}


def test_xuchang_shows_the_other_readings_of_its_staff_and_years_clauses() -> None:
    rs = _rs("xuchang")
    staff = next(r for r in rs.basic if r.field == "staff_total")
    assert [(x.article, x.value) for x in staff.readings] == [("附件2", 10)]  # 备注：不少于10人
    years = next(r for r in rs.basic if r.field == "full_calendar_years")
    assert [(x.field, x.value) for x in years.readings] == [("operating_years", 1)]
    registered = next(r for r in rs.basic if r.field == "region")
    assert registered.check == "in_area" and rs.area is not None and rs.area.codes == ["4110"]


@pytest.mark.parametrize("key", KEYS)
def test_function_count_rule_matches_the_text(key: str) -> None:
    count = _rs(key).functions.count
    assert (count.min, count.by_platform_type) == COUNT[key]


@pytest.mark.parametrize("key", KEYS)
def test_relaxations_cover_the_conditions_the_text_names(key: str) -> None:
    rs = _rs(key)
    got: dict[tuple[str, ...], set[str]] = {}
    for relax in rs.relaxations:
        fields = {
            r.field
            for r in rs.basic
            if relax.code in r.relaxable_by and r.check != "review" and r.field
        }
        got[tuple(relax.flags)] = fields
    assert got == RELAXED_BASIC[key]


def test_only_xuchang_relaxes_function_requirements() -> None:
    # 许昌 第九条 “可适当放宽认定条件” stands in chapter 三 认定条件 (第七条 and 第八条).
    for rs in map(_rs, KEYS):
        relaxed = {
            r.code
            for f in rs.functions.items
            for r in f.rules
            if r.relaxable_by and r.check != "review"
        }
        if rs.key == "xuchang":
            assert relaxed == {"XC-F01", "XC-F02", "XC-F04", "XC-F06", "XC-F08", "XC-F10"}
        else:
            assert relaxed == set(), rs.key


def test_only_xuchang_has_an_exclusion() -> None:
    # 许昌 第十九条 已被认定为省级以上…示范平台、小型微型企业创业创新基地的，不再参与市级认定
    assert {rs.key: [r.code for r in rs.exclusions] for rs in map(_rs, KEYS)} == {
        "national": [],
        "liaoning": [],
        "heilongjiang": [],
        "xuchang": ["XC-X01"],
        "shaoguan": [],
    }


@pytest.mark.parametrize("key", KEYS)
def test_area_codes_of_the_credit_code_warning(key: str) -> None:
    area = _rs(key).area
    assert (area.codes if area else None) == AREA.get(key)


@pytest.mark.parametrize("key", KEYS)
def test_procedure_facts_match_the_text(key: str) -> None:
    proc = {p.id: p.value for p in _rs(key).procedure}
    assert proc.get("publicity_days") == PUBLICITY_DAYS.get(key)
    assert proc["validity_years"] == 3  # 有效期三年 / 3 年, all five
    assert proc.get("annual_summary_deadline") == ANNUAL_SUMMARY.get(key)
    assert proc["bureau_report_deadline"] == BUREAU_REPORT[key]
    assert proc.get("change_report_months") == (
        3 if key == "heilongjiang" else None
    )  # 第十二条 三个月内


@pytest.mark.parametrize("key", KEYS)
def test_materials_match_the_text(key: str) -> None:
    rs = _rs(key)
    assert {m.key for m in rs.materials} == MATERIAL_KEYS[key]
    assert len({m.article for m in rs.materials}) == ITEMS_LISTED[key]


def test_xuchang_material_conditions() -> None:
    rs = _rs("xuchang")
    by_key = {m.key: m for m in rs.materials}
    assert by_key["credit_report"].validity == ["as_of_month", "seal"]  # 提交材料当月…加盖单位公章
    tax = by_key["local_tax_proof"].when
    assert tax is not None and (tax.field, tax.equals) == ("is_legal_person", False)
    assert by_key["audit_report"].validity == ["previous_year"]
    assert [(f.attachment, f.filled_by) for f in rs.forms] == [
        ("附件1", "bureau"),
        ("附件2", "applicant"),
        ("附件3", "applicant"),
    ]
    assert rs.application_report is not None
    assert rs.application_report.sections[0] == "一、许昌市中小企业公共服务示范平台申请表"
    assert rs.application_report.sections[4] == "五、有关情况说明"
    assert len(rs.application_report.sections) == 11  # 一至五 and 五's (一)–(六)


def test_shaoguan_lists_no_materials_and_says_why() -> None:
    rs = _rs("shaoguan")
    assert rs.materials == []
    assert rs.materials_note is not None and rs.materials_note.article == "第九条"
    assert "以当年申报通知为准" in rs.materials_note.quote


def test_shaoguan_is_in_force_five_years_from_2022_10_20() -> None:
    doc = _rs("shaoguan").document
    assert (doc.issued, doc.in_force_from, doc.in_force_until) == (
        date(2022, 10, 20),
        date(2022, 10, 20),
        date(2027, 10, 20),  # 民法典 第二百零一条: the start day is not counted
    )
    assert doc.in_force_until_other == date(2027, 10, 19)  # the other reading, shown
    rs = _rs("shaoguan")
    assert rs.in_force(date(2027, 10, 20)) and not rs.in_force(date(2027, 10, 21))


@pytest.mark.parametrize(
    ("key", "issued", "number"),
    [
        ("national", date(2017, 7, 3), "工信部企业〔2017〕156号"),
        ("liaoning", date(2018, 4, 2), None),
        ("heilongjiang", date(2019, 12, 10), "黑工信企业规〔2019〕5号"),
        ("xuchang", date(2020, 11, 6), "许工信〔2020〕154号"),
        ("shaoguan", date(2022, 10, 20), "韶工信函〔2022〕188号"),
    ],
)
def test_document_headers(key: str, issued: date, number: str | None) -> None:
    doc = _rs(key).document
    assert (doc.issued, doc.number) == (issued, number)
    assert doc.in_force_until is None or key == "shaoguan"
