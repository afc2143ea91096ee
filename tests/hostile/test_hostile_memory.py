"""Bounded memory: the peak resident size of `pingtai check` over the worst files of the corpus.

Each case runs in its own process under a small wrapper that reports the
largest resident set among its children (ru_maxrss), so the figure is that
of the command alone, workers included. Figures measured are in README.md.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from hostile_corpus import GOOD_WORKBOOK, Corpus
from hostile_helpers import AS_OF, TRACEBACK

pytestmark = pytest.mark.slow  # each case a subprocess measured for its peak memory

MB = 1024 * 1024
HOSTILE_BOUND_MB = 250  # every case of the corpus (measured: 40–120 MB)
ACCEPTED_IMAGE_BOUND_MB = 400  # the largest image still read (measured: 285 MB)

_WRAPPER = (
    "import resource, subprocess, sys\n"
    "proc = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
    "sys.stderr.write(proc.stderr)\n"
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
)


def peak_mb(private: dict[str, Path], *args: str | Path) -> float:
    env = {**os.environ, "PINGTAI_CACHE_DIR": str(private["cache"]), "TMPDIR": str(private["tmp"])}
    cmd = [sys.executable, "-c", _WRAPPER, sys.executable, "-m", "pingtai_cli", *map(str, args)]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120, env=env)
    assert TRACEBACK not in proc.stderr, proc.stderr[-2000:]
    return int(proc.stdout.strip().splitlines()[-1]) * 1024 / MB  # ru_maxrss is in KB on Linux


@pytest.mark.parametrize(
    "case",
    ["bomb.zip", "files", "wb_million_rows", "wb_ratio_bomb", "wb_lying_bomb", "many"],
    ids=[
        "zip-bomb",
        "giant-image-2000-pages-docx-bomb",
        "million-rows",
        "ratio-bomb",
        "lying-bomb",
        "10000-files",
    ],
)
def test_the_worst_of_the_corpus_is_read_within_bounded_memory(
    corpus: Corpus, private_dirs: dict[str, Path], case: str
) -> None:
    peak = peak_mb(
        private_dirs,
        "check",
        corpus.intake / case,
        "-j",
        "liaoning",
        "--as-of",
        AS_OF,
        "--no-cache",
        "-f",
        "json",
    )
    assert peak < HOSTILE_BOUND_MB, f"{case}: {peak:.0f} MB"


def test_the_largest_image_still_read_stays_within_its_bound(
    tmp_path: Path, private_dirs: dict[str, Path]
) -> None:
    from PIL import Image

    dossier = tmp_path / "big"
    dossier.mkdir()
    (dossier / "申请表.xlsx").write_bytes(GOOD_WORKBOOK.read_bytes())
    Image.new("RGB", (6300, 6300), "white").save(dossier / "照片.png")  # 39.7 Mpx of 40 allowed
    peak = peak_mb(private_dirs, "check", dossier, "-j", "liaoning", "--no-cache", "-f", "json")
    assert peak < ACCEPTED_IMAGE_BOUND_MB, f"{peak:.0f} MB"
