"""A pytest plugin for a pytest run started by a test (`-p collected_ids`, tests/ on PYTHONPATH).

It writes the id of every test collected, before `-k` or `-m` deselects any, one per line, to the
file named by PINGTAI_TEST_COLLECTED: one run both lists the whole suite and runs a part of it
(test_sixth_jurisdiction), where a `--collect-only` run and a second run cost a collection each.
"""

from __future__ import annotations

import os

import pytest


@pytest.hookimpl(tryfirst=True)  # before the -k/-m deselection, which is a modifyitems hook too
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    with open(os.environ["PINGTAI_TEST_COLLECTED"], "w", encoding="utf-8") as fh:
        fh.writelines(f"{item.nodeid}\n" for item in items)
