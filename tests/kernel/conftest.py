"""Rule-by-rule parity of the compiled kernel with the NumPy rules, on snapshot states.

These tests compile a driver per rule, which takes minutes on a cold cache; the
end-to-end reference (``tests/test_engine_reference.py``) already checks every run bit
for bit, so they run only when asked: ``POLITBURO_KERNEL_PARITY=1 pytest tests/kernel``.
They are the tool for finding which rule drifted when the reference test fails.
"""

from __future__ import annotations

import os

import pytest

ASKED = os.environ.get("POLITBURO_KERNEL_PARITY") == "1"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if ASKED:
        return
    skip = pytest.mark.skip(reason="rule-by-rule parity: set POLITBURO_KERNEL_PARITY=1")
    for item in items:
        if "tests/kernel/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(skip)
