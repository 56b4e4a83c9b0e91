"""The house's architecture, checked: imports flow one way (import-linter's layers
contract in pyproject.toml), and ``import politburo`` loads no engine, store or studies."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parents[1]


def test_imports_flow_one_way() -> None:
    # Run with this interpreter (the console script may not be on PATH in a venv that is
    # not activated); import-linter reads its contract from pyproject.toml in ROOT.
    code = "import sys; from importlinter.cli import lint_imports; sys.exit(lint_imports())"
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=300, cwd=ROOT
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]


def test_import_politburo_is_cheap() -> None:
    heavy = ["numba", "duckdb", "pyarrow", "scipy", "numpy", "matplotlib", "fastapi"]
    code = (
        "import json, sys; import politburo; "
        f"print(json.dumps([m for m in {heavy!r} if m in sys.modules]))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == []
