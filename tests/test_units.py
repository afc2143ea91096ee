"""Values as people type them: numbers with units, dates, yes/no, lists (extract/units.py)."""

from __future__ import annotations

import contextlib
import math
from datetime import date, datetime, time, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pingtai_cli import vocab
from pingtai_cli.intake.sources.units import (
    ValueParseError,
    names_no_day,
    names_year_only,
    parse_bool,
    parse_date,
    parse_list,
    parse_number,
    parse_value,
    period_of,
    period_parts,
    states_approximate,
    states_lower_bound,
)

BY_KEY = vocab.get().facts
FACT_KEYS = tuple(BY_KEY.values())

# ---------------------------------------------------------------------------
# numbers


@pytest.mark.parametrize(
    ("raw", "unit", "expected"),
    [
        ("320万元", "万元", 320),
        ("3,200,000元", "万元", 320),
        ("0.032亿元", "万元", 320),
        ("3200千元", "万元", 320),
        ("人民币320万元整", "万元", 320),
        ("320万", "万元", 320),
        (320, "万元", 320),
        (320.5, "万元", 320.5),
        ("320", "万元", 320),
        ("320万元", "亿元", 0.032),
        ("１５０家", "家", 150),
        ("１，５００家", "家", 1500),
        ("３２０．５万元", "万元", 320.5),
        ("150个", "家", 150),
        ("150家以上", "家", 150),
        ("不少于150家", "家", 150),
        ("150余家", "家", 150),
        ("150多家", "家", 150),
        ("超过150家", "家", 150),
        ("300多万元", "万元", 300),
        ("2025年末：260万元", "万元", 260),
        ("截至2025年12月31日：260万元", "万元", 260),
        ("2025年130家", "家", 130),
        ("150 家", "家", 150),
        ("85%", "%", 85),
        ("８５％", "%", 85),
        ("0.5%", "%", 0.5),
        (0.85, "%", 85),
        ("0.85", "%", 85),
        (95, "%", 95),
        ("500平方米", "平方米", 500),
        ("500㎡", "平方米", 500),
        ("500m2", "平方米", 500),
        ("500平米", "平方米", 500),
        ("25人", "人", 25),
        ("25名", "人", 25),
        ("12次", "次", 12),
        ("12场", "次", 12),
        ("1.2万人次", "人次", 12000),
        ("-35万元", "万元", -35),
    ],
)
def test_written_numbers_come_out_in_the_key_unit(raw: object, unit: str, expected: float) -> None:
    assert parse_number(raw, unit) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("raw", "unit", "reason"),
    [
        ("不足150家", "家", "只给出上限"),
        ("150家以下", "家", "只给出上限"),
        ("若干家", "家", "估计"),
        ("120~150家", "家", "范围"),
        ("120至150家", "家", "范围"),
        ("120—150家", "家", "范围"),
        ("130约家", "家", "估计"),
        ("近两年150家", "家", "估计"),
        ("三百万", "万元", "不是数字"),
        ("2025年", "家", "无法识别"),
        ("150平方米", "万元", "不符"),
        ("150人", "家", "不符"),
        ("85%", "家", "不符"),
        ("150斤", "家", "无法识别"),
        ("100-150家", "家", "范围"),
        ("2024年120家2025年150家", "家", "多个数字"),
        ("3,2", "家", "多个数字"),
        ("见附件", "万元", "不是数字"),
        ("", "万元", "空值"),
        ("1e999", "万元", "超出范围"),
        (True, "家", "是/否"),
        (date(2020, 1, 1), "家", "日期"),
        (float("nan"), "家", "有效"),
    ],
)
def test_unreadable_numbers_are_errors_with_a_reason(raw: object, unit: str, reason: str) -> None:
    with pytest.raises(ValueParseError, match=reason):
        parse_number(raw, unit)


def test_a_bare_number_takes_the_unit_of_the_label_bracket() -> None:
    assert parse_number(3_200_000, "万元", default_unit="元") == pytest.approx(320)
    assert parse_number("3200000", "万元", default_unit="元") == pytest.approx(320)


def test_a_written_unit_overrides_the_label_bracket() -> None:
    assert parse_number("320万元", "万元", default_unit="元") == pytest.approx(320)


def test_a_label_bracket_of_another_dimension_is_an_error() -> None:
    with pytest.raises(ValueParseError):
        parse_number(320, "万元", default_unit="平方米")


@given(st.integers(min_value=0, max_value=10**9))
def test_integer_wan_yuan_round_trips(n: int) -> None:
    assert parse_number(f"{n}万元", "万元") == n


@given(st.decimals(min_value=0, max_value=10**7, places=2, allow_nan=False))
def test_decimal_wan_yuan_round_trips_through_yuan_and_yi(n) -> None:  # type: ignore[no-untyped-def]
    assert parse_number(f"{n}万元", "万元") == pytest.approx(float(n))
    assert parse_number(f"{n * 10000}元", "万元") == pytest.approx(float(n))
    assert parse_number(f"{n / 10000}亿元", "万元") == pytest.approx(float(n))


@given(st.integers(min_value=0, max_value=10**7))
def test_thousands_separated_and_full_width_counts_round_trip(n: int) -> None:
    full_width = f"{n:,}".translate(str.maketrans("0123456789,", "０１２３４５６７８９，"))
    assert parse_number(f"{n:,}家", "家") == n
    assert parse_number(full_width + "家", "家") == n


RAW_VALUES = st.one_of(
    st.text(max_size=40),
    st.text(alphabet="0123456789.,，．万亿元千%％家个人次平方米㎡约以上-+eE 年月日/:", max_size=20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.booleans(),
    st.none(),
    st.dates(),
    st.datetimes(),
    st.times(),
    st.timedeltas(),
)


@given(RAW_VALUES, st.sampled_from(["万元", "亿元", "平方米", "人", "家", "次", "人次", "%"]))
def test_parse_number_gives_a_finite_number_or_a_value_parse_error(raw: object, unit: str) -> None:
    try:
        value = parse_number(raw, unit)
    except ValueParseError as exc:
        assert str(exc)
    else:
        assert math.isfinite(value)


# ---------------------------------------------------------------------------
# dates


@pytest.mark.parametrize(
    "raw",
    [
        "2019-03-15",
        "2019年3月15日",
        "2019年03月15日",
        "2019 年 3 月 15 日",
        "2019/3/15",
        "2019.03.15",
        "20190315",
        "２０１９年３月１５日",
        "2019-03-15 00:00:00",
        date(2019, 3, 15),
        datetime(2019, 3, 15, 10, 30),
        43539,  # Excel serial
        43539.4375,
        20190315,
    ],
)
def test_common_date_forms_read_as_15_march_2019(raw: object) -> None:
    assert parse_date(raw) == date(2019, 3, 15)


@pytest.mark.parametrize("raw", ["2019.03", "2019年3月", "2019-3", "2019/03", 2019.03, 2019.3, "二〇一九年三月", "二零一九年三月"])
def test_year_and_month_mean_the_first_of_that_month(raw: object) -> None:
    assert parse_date(raw) == date(2019, 3, 1)


@pytest.mark.parametrize(
    "raw",
    [
        "2019-02-30",
        "3/15/2019",
        "去年",
        "二〇一九年",  # a year alone
        "二〇一九年三月十十日",
        2019,
        2019.1,
        12,
        "",
        None,
        True,
        time(10, 0),
    ],
)
def test_unreadable_dates_are_errors(raw: object) -> None:
    with pytest.raises(ValueParseError):
        parse_date(raw)


@given(st.dates(min_value=date(1950, 1, 1), max_value=date(2100, 12, 31)))
def test_dates_round_trip_through_every_written_form(d: date) -> None:
    for text in (
        d.isoformat(),
        f"{d.year}年{d.month}月{d.day}日",
        f"{d.year}/{d.month}/{d.day}",
        f"{d.year}.{d.month:02d}.{d.day:02d}",
    ):
        assert parse_date(text) == d
    serial = (d - date(1899, 12, 30)).days
    assert parse_date(float(serial)) == d
    assert parse_date(_in_chinese_numerals(d)) == d  # as a signed document dates itself


def _in_chinese_numerals(d: date) -> str:
    """二〇一九年三月十五日: the year digit by digit; month and day as spoken (十, 十五, 二十, 三十一)."""
    digits = "〇一二三四五六七八九"

    def spoken(n: int) -> str:
        tens, ones = divmod(n, 10)
        return ("" if tens == 0 else "十" if tens == 1 else digits[tens] + "十") + (digits[ones] if ones else "")

    return "".join(digits[int(c)] for c in str(d.year)) + f"年{spoken(d.month)}月{spoken(d.day)}日"


@given(RAW_VALUES)
def test_parse_date_gives_a_date_or_a_value_parse_error(raw: object) -> None:
    try:
        value = parse_date(raw)
    except ValueParseError:
        return
    assert isinstance(value, date) and not isinstance(value, datetime)


# ---------------------------------------------------------------------------
# booleans


@pytest.mark.parametrize(
    "raw",
    [
        "是",
        "有",
        "√",
        "✓",
        "Y",
        "y",
        "yes",
        "Yes",
        "TRUE",
        True,
        1,
        1.0,
        "☑是 □否",
        "是（2023年认定）",
    ],
)
def test_yes_forms_read_as_true(raw: object) -> None:
    assert parse_bool(raw) is True


@pytest.mark.parametrize(
    "raw", ["否", "无", "没有", "×", "✗", "N", "no", "False", False, 0, "□是 ☑否"]
)
def test_no_forms_read_as_false(raw: object) -> None:
    assert parse_bool(raw) is False


@pytest.mark.parametrize("raw", ["也许", "☑是 ☑否", "□是 □否", 2, "", None, date(2020, 1, 1)])
def test_unclear_yes_no_is_an_error(raw: object) -> None:
    with pytest.raises(ValueParseError):
        parse_bool(raw)


@given(RAW_VALUES)
def test_parse_bool_gives_a_bool_or_a_value_parse_error(raw: object) -> None:
    with contextlib.suppress(ValueParseError):
        assert isinstance(parse_bool(raw), bool)


# ---------------------------------------------------------------------------
# lists


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("信息、技术、培训", ["信息", "技术", "培训"]),
        ("信息，技术,培训；融资;综合", ["信息", "技术", "培训", "融资", "综合"]),
        ("1、信息服务\n2、技术服务", ["信息服务", "技术服务"]),
        ("（1）信息服务\r\n（2）技术服务", ["信息服务", "技术服务"]),
        ("无", []),
        ("", []),
        (None, []),
        (
            "2023年 辽宁省中小企业公共服务示范平台\n2021年 沈阳市示范平台",
            ["2023年 辽宁省中小企业公共服务示范平台", "2021年 沈阳市示范平台"],
        ),
    ],
)
def test_lists_split_on_newlines_and_chinese_separators(raw: object, expected: list[str]) -> None:
    assert parse_list(raw) == expected


def test_declared_functions_may_be_separated_by_spaces() -> None:
    assert parse_value("functions_declared", "信息 技术　融资") == (["信息", "技术", "融资"], None)


def test_declared_functions_come_back_as_the_short_names_of_the_spec() -> None:
    value, _ = parse_value("functions_declared", "信息服务功能、技术服务、综合")
    assert value == ["信息", "技术", "综合"]


def test_prior_recognitions_keep_spaces_inside_an_item() -> None:
    value, _ = parse_value("prior_recognitions", "2023年 辽宁省中小企业公共服务示范平台")
    assert value == ["2023年 辽宁省中小企业公共服务示范平台"]


@given(RAW_VALUES)
def test_parse_list_gives_non_empty_strings_or_a_value_parse_error(raw: object) -> None:
    try:
        items = parse_list(raw)
    except ValueParseError:
        return
    assert all(isinstance(item, str) and item for item in items)


# ---------------------------------------------------------------------------
# by key


def test_counts_come_back_as_integers_in_the_key_unit() -> None:
    assert parse_value("staff_total", "25人") == (25, "人")
    assert parse_value("smes_served", 150.0) == (150, "家")


def test_a_fractional_head_count_is_an_error() -> None:
    with pytest.raises(ValueParseError, match="整数"):
        parse_value("staff_total", "25.5人")


def test_amounts_come_back_in_the_key_unit() -> None:
    assert parse_value("total_assets", "3,200,000元") == (320.0, "万元")
    assert parse_value("financing_amount", "5000万元") == (0.5, "亿元")


def test_text_keys_keep_the_text_and_drop_excels_trailing_zero() -> None:
    assert parse_value("org_name", " 许昌市某某服务有限公司 ") == ("许昌市某某服务有限公司", None)
    assert parse_value("postal_code", 461000.0) == ("461000", None)


def test_credit_code_is_upper_cased_without_spaces() -> None:
    assert parse_value("credit_code", "91411000 ma45abcd1x") == ("91411000MA45ABCD1X", None)


def test_dates_and_bools_dispatch_by_kind() -> None:
    assert parse_value("registration_date", "2019年3月15日") == (date(2019, 3, 15), None)
    assert parse_value("is_renewal", "否") == (False, None)


@given(st.sampled_from([fk.key for fk in FACT_KEYS]), RAW_VALUES)
def test_parse_value_never_raises_anything_but_value_parse_error(key: str, raw: object) -> None:
    expected_type = {"number": (int, float), "date": date, "bool": bool, "list": list, "text": str}
    with contextlib.suppress(ValueParseError):
        value, _ = parse_value(key, raw)
        assert isinstance(value, expected_type[BY_KEY[key].kind])


@given(st.timedeltas())
def test_durations_are_not_numbers(raw: timedelta) -> None:
    with pytest.raises(ValueParseError):
        parse_number(raw, "家")


@pytest.mark.parametrize(
    ("raw", "no_day"),
    [
        ("2019年9月", True),
        ("2019.03", True),
        ("2019-3", True),
        (2019.03, True),
        ("2019年9月1日", False),
        ("2019-03-01", False),
        (date(2019, 9, 1), False),
        (2019.0315, False),
        ("九月", False),
    ],
)
def test_a_date_written_to_the_month_is_told_apart(raw: object, no_day: bool) -> None:
    assert names_no_day(raw) is no_day


@pytest.mark.parametrize(
    ("key", "raw", "words"),
    [
        ("satisfaction_rate", "190%", "不能超过100%"),
        ("free_service_share", 150, "不能超过100%"),
        ("total_assets", "-320万元", "不能为负数"),
        ("staff_total", -3, "不能为负数"),
    ],
)
def test_an_implausible_form_value_is_a_clean_error(key: str, raw: object, words: str) -> None:
    with pytest.raises(ValueParseError, match=words):
        parse_value(key, raw)


@pytest.mark.parametrize(
    ("raw", "bound"),
    [("150家以上", True), ("不少于150家", True), ("150余家", True), ("150多家", True), ("超过150家", True),
     ("１５０余家", True), ("150家", False), ("150", False), (150, False), ("约150家", False),
     # words bounded are no floor: a review row showed “大专及以上” as its value
     ("大专及以上", False), ("不低于中级职称", False), ("超过规定期限", False)],
)
def test_a_number_written_as_a_lower_bound_is_told_apart(raw: object, bound: bool) -> None:
    assert states_lower_bound(raw) is bound


def test_a_list_is_cut_outside_brackets_only_and_an_open_bracket_ends_at_its_line() -> None:
    """A recognition with its year and document number in brackets was quoted as
    `已获“省级中小企业公共服务示范平台（2023年”`."""
    from pingtai_cli.intake.sources.units import parse_list

    written = "省级中小企业公共服务示范平台（2023年，豫工信〔2023〕12号）、市级示范平台（2021年；许工信〔2021〕3号）"
    assert parse_list(written) == [
        "省级中小企业公共服务示范平台（2023年，豫工信〔2023〕12号）",
        "市级示范平台（2021年；许工信〔2021〕3号）",
    ]
    assert parse_list("“专精特新”中小企业，市级示范平台") == ["“专精特新”中小企业", "市级示范平台"]
    assert parse_list("省级示范平台（2023年\n市级示范平台") == ["省级示范平台（2023年", "市级示范平台"]


@pytest.mark.parametrize(
    ("raw", "unit", "number"),
    [("约130家", "家", 130), ("大约130家", "家", 130), ("130家左右", "家", 130), ("130左右", "家", 130),
     ("近150家", "家", 150), ("将近150家", "家", 150), ("接近150家", "家", 150), ("预计150家", "家", 150),
     ("约１３０家", "家", 130), ("320万元（预计）", "万元", 320), ("人民币约300万元", "万元", 300),
     ("2025年：约260万元", "万元", 260), ("约85%", "%", 85)],
)
def test_an_approximate_figure_is_read_as_written_and_told_apart(raw: str, unit: str, number: float) -> None:
    assert parse_number(raw, unit) == pytest.approx(number)
    assert states_approximate(raw) is True
    assert states_lower_bound(raw) is False


@pytest.mark.parametrize(
    ("raw", "word"),
    [("若干家", "含估计用语“若干”"), ("不足150家", "只给出上限，含“不足”"), ("少于150家", "只给出上限，含“少于”"),
     ("150家以内", "只给出上限，含“以内”"), ("320万元（不足）", "只给出上限，含“不足”"), ("~150家", "范围，含“~”")],
)
def test_a_figure_left_open_names_the_word_that_leaves_it_open(raw: str, word: str) -> None:
    with pytest.raises(ValueParseError, match=word):
        parse_number(raw, "家")


@pytest.mark.parametrize("raw", ["130家", "150家以上", 130, "近两年", "约定", "", "大专及以上"])
def test_an_exact_figure_or_no_figure_is_not_approximate(raw: object) -> None:
    assert states_approximate(raw) is False


@pytest.mark.parametrize(
    ("raw", "period", "parts"),
    [
        ("2024年末：236.6万元", "2024年末", (2024, None, None, "末")),
        ("截至2024年12月31日，236.6万元", "截至2024年12月31日", (2024, 12, 31, "")),
        ("截止２０２４年６月３０日：236.6万元", "截止2024年6月30日", (2024, 6, 30, "")),
        ("2024年度130家", "2024年度", (2024, None, None, "度")),
        ("2024年：约130家", "2024年", (2024, None, None, "")),
        ("236.6万元（2023年末）", "2023年末", (2023, None, None, "末")),
        ("85%(2025年)", "2025年", (2025, None, None, "")),
    ],
)
def test_the_period_written_with_a_figure_is_kept_as_written(raw: str, period: str, parts: tuple) -> None:  # type: ignore[type-arg]
    assert period_of(raw) == period
    assert period_parts(period) == parts


@pytest.mark.parametrize("raw", ["236.6万元", "236.6万元（经审计）", 236.6, "2024", "近一年150家"])
def test_a_figure_without_a_period_states_none(raw: object) -> None:
    assert period_of(raw) is None


@pytest.mark.parametrize("raw", ["2017年", "2017", 2017, 2017.0, "二〇一七年", "二零一七年", "２０１７年"])
def test_a_year_alone_is_a_date_of_year_precision_for_a_form_fact(raw: object) -> None:
    assert names_year_only(raw) is True
    assert parse_value("registration_date", raw) == (date(2017, 1, 1), None)
    with pytest.raises(ValueParseError):
        parse_date(raw)  # a document's date or a list's is never a year alone


@pytest.mark.parametrize("raw", ["2017年3月", "2017-03-15", "1899", "2017年度", 43539, "去年"])
def test_a_date_with_a_month_or_no_year_is_not_year_only(raw: object) -> None:
    assert names_year_only(raw) is False
