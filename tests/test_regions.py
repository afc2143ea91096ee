"""The GB/T 2260 division table and its lookups (regions.py)."""

from __future__ import annotations

import pytest

from pingtai_cli.core.regions import (
    division,
    find_in_address,
    from_credit_code,
    name_of,
    relation,
    source,
    under,
)


@pytest.mark.parametrize(
    ("code", "chain"),
    [
        ("411082", "河南省许昌市长葛市"),
        ("411081", "河南省许昌市禹州市"),
        ("411024", "河南省许昌市鄢陵县"),
        ("411025", "河南省许昌市襄城县"),
        ("411002", "河南省许昌市魏都区"),
        ("411003", "河南省许昌市建安区"),
        ("440281", "广东省韶关市乐昌市"),
        ("440205", "广东省韶关市曲江区"),
        ("110105", "北京市朝阳区"),
    ],
)
def test_every_county_level_division_has_its_chain(code: str, chain: str) -> None:
    d = division(code)
    assert d is not None and d.level == "county"
    assert d.chain_names() == chain


def test_the_table_names_its_source_and_date() -> None:
    assert "2025-12-31" in source()
    assert {d.name for d in under("4110")} >= {"许昌市", "魏都区", "建安区", "鄢陵县", "襄城县", "禹州市", "长葛市"}


@pytest.mark.parametrize(
    ("address", "codes"),
    [
        ("河南省许昌市长葛市魏武路1号", ["411082"]),
        ("长葛市魏武路1号", ["411082"]),
        ("河南许昌禹州市", ["411081"]),
        ("许昌市中山路18号", ["411000"]),  # 中山路 is a road, not 中山市
        ("许昌县将官池镇", ["411003"]),  # a former county, now 建安区
        ("中国河南省许昌市鄢陵县", ["411024"]),
        ("朝阳区建国路", ["110105", "220104"]),  # ambiguous: both are returned
        ("河南省郑州市金水区", ["410105"]),
        ("人民路1号", []),
    ],
)
def test_an_address_names_its_division(address: str, codes: list[str]) -> None:
    assert [d.code for d in find_in_address(address)] == codes


def test_credit_code_characters_3_to_8_are_the_registration_division() -> None:
    assert from_credit_code("91411082MA00000000").code == "411082"  # type: ignore[union-attr]
    assert from_credit_code("91411071MA00000000").code == "411000"  # a zone's own code: its city
    assert from_credit_code("short") is None


@pytest.mark.parametrize(
    ("code", "expected"),
    [("411082", "in"), ("411000", "in"), ("411023", "in"), ("410000", "above"), ("410105", "out"), ("440203", "out")],
)
def test_relation_of_a_code_to_an_area(code: str, expected: str) -> None:
    assert relation(code, ["4110"]) == expected


def test_area_names() -> None:
    assert name_of(["4110"]) == "河南省许昌市"
    assert name_of(["4402"]) == "广东省韶关市"
