"""统一社会信用代码: the GB 32100-2015 check character and reading codes out of OCR'd text.

The oracle for the check character is codes published on real licences, never the
function under test: a code built with `check_char` proves nothing about `check_char`.
"""

from __future__ import annotations

import pytest

from pingtai_cli.intake.sources.uscc import (
    check_char,
    credit_code_near,
    division_code,
    find_credit_codes,
    is_valid,
    problem,
)

# Published codes of real organisations (from their public licences).
REAL_CODES = [
    "91350100M000100Y43",
    "914403001922038216",
    "9144030071526726XG",
    "91330100716105852F",
    "91330100799655058B",  # 阿里巴巴（中国）有限公司
    "91110000600037341L",  # python-stdnum's documented example
]
XUCHANG = "91411000MA44ABCD1" + check_char("91411000MA44ABCD1")  # for the reading tests only
ALIBABA = "91330100799655058B"


@pytest.mark.parametrize("code", REAL_CODES)
def test_published_codes_are_valid(code: str) -> None:
    assert is_valid(code)
    assert problem(code) is None


@pytest.mark.parametrize("code", REAL_CODES)
def test_the_check_char_of_a_published_code_is_the_one_printed_on_it(code: str) -> None:
    assert check_char(code[:17]) == code[17]


def test_check_char_refuses_what_is_not_seventeen_characters_of_the_charset() -> None:
    for bad in (ALIBABA[:16], ALIBABA, ALIBABA[:16] + "O"):
        with pytest.raises(ValueError):
            check_char(bad)


def test_a_letter_of_a_registration_authority_code_is_accepted_in_the_first_place() -> None:
    """GB 32100 has letter authority codes (N 农业, Y 其他): stdnum's validate() wants digits
    there, so this tool keeps its own form check and takes only the check character from it."""
    from stdnum.cn import uscc as stdnum_uscc

    for first17 in ("N2110101MA0T8L3K5", "Y1440300MJL012345"):
        code = first17 + stdnum_uscc.calc_check_digit(first17)
        assert is_valid(code), problem(code)
        assert not stdnum_uscc.is_valid(code)


def test_check_char_of_a_made_up_code_validates_it() -> None:
    assert is_valid(XUCHANG)
    assert division_code(XUCHANG) == "411000"


def test_a_wrong_check_char_is_rejected_with_the_expected_one_named() -> None:
    wrong = "91350100M000100Y44"
    assert not is_valid(wrong)
    assert "第18位应为3" in (problem(wrong) or "")


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        ("91350100M000100Y4", "应为18位"),
        ("91350100M000100Y433", "应为18位"),
        ("91350100M0001O0Y43", "无效字符：O"),  # letter O is not in the charset
        ("9135010AM000100Y43", "第3–8位"),
    ],
)
def test_malformed_codes_say_why(code: str, reason: str) -> None:
    assert reason in (problem(code) or "")


def test_every_single_character_change_is_detected() -> None:
    charset = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    for pos in range(18):
        for c in charset:
            if c == ALIBABA[pos]:
                continue
            changed = ALIBABA[:pos] + c + ALIBABA[pos + 1 :]
            assert not is_valid(changed), changed


def test_code_is_found_after_its_label_in_licence_text() -> None:
    text = f"营业执照\n统一社会信用代码 {XUCHANG}\n名称 许昌智联科技服务有限公司\n注册号 410100000123456"
    codes = find_credit_codes(text)
    assert [c.code for c in codes] == [XUCHANG]
    assert not codes[0].repaired


def test_ocr_confusions_are_repaired_when_the_repair_validates() -> None:
    garbled = XUCHANG.replace("0", "O").replace("1", "I")  # 9I4IIOOOMA44ABCDI?
    found = find_credit_codes(f"统一社会信用代码：{garbled}")
    assert [c.code for c in found] == [XUCHANG]
    assert found[0].repaired and found[0].raw == garbled


@pytest.mark.parametrize("code", REAL_CODES)
def test_a_published_code_misread_by_ocr_is_repaired_to_itself(code: str) -> None:
    garbled = code.replace("0", "O").replace("1", "I").replace("5", "S").replace("2", "Z")
    found = find_credit_codes(f"统一社会信用代码 {garbled}")
    assert [c.code for c in found] == [code]
    assert found[0].repaired == (garbled != code)


def test_lower_case_full_width_and_a_split_box_are_tolerated() -> None:
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in XUCHANG.lower())
    assert [c.code for c in find_credit_codes(full_width)] == [XUCHANG]
    split = XUCHANG[:8] + " " + XUCHANG[8:]
    assert [c.code for c in find_credit_codes(split)] == [XUCHANG]


def test_a_repair_that_does_not_validate_finds_nothing() -> None:
    garbled = XUCHANG[:-1] + ("0" if XUCHANG[-1] != "0" else "1")
    assert find_credit_codes(f"代码 {garbled}") == []
    assert find_credit_codes("代码 9I4IIOOOMA44ABCDIZ") == []


def test_long_digit_runs_such_as_bank_accounts_yield_no_code() -> None:
    accounts = [f"6222{n:018d}" for n in range(0, 3_000_000, 9973)]
    assert all(find_credit_codes(f"开户账号 {a}") == [] for a in accounts)


def test_the_code_next_to_the_label_is_preferred() -> None:
    other = "91350100M000100Y43"
    text = f"出租方代码 {other}\n统一社会信用代码 {XUCHANG}"
    near = credit_code_near(text)
    assert near is not None and near.code == XUCHANG
