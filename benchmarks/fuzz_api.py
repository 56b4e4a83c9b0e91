"""Schemathesis against the web API's OpenAPI document, on a server of our own.

    python benchmarks/fuzz_api.py [--max-examples 50] [--seed 1] [--checks all] [--json]

Starts ``politburo.web.serve`` on a free loopback port with a fresh SQLite file, creates
one toy-3 game and one class so the fuzzer reaches real game logic (their ids and tokens
go into a temporary ``schemathesis.toml`` as fixed parameters and API keys; random ids are
still generated in negative mode), runs ``schemathesis run`` with a bounded budget, and
reports the failures it found by kind. Server errors (5xx) are the ones that must be
zero; the exit status is 1 if there are any.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until_up(base: str, seconds: float = 30.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/api/health", timeout=1.0).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"the server at {base} did not come up")


def start_server(
    data: Path, port: int, odds_runs: int = 10, limits: bool = True
) -> subprocess.Popen[bytes]:
    """``politburo.web.serve`` in a process of its own; ``limits`` false turns the rate
    limits and the AI budget off (``POLITBURO_LIMITS_ENABLED``)."""
    code = (
        "from politburo.web import serve; "
        f"serve(host='127.0.0.1', port={port}, data={str(data)!r}, odds_runs={odds_runs})"
    )
    env = {**os.environ, "POLITBURO_LIMITS_ENABLED": "true" if limits else "false"}
    return subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.DEVNULL, env=env)


def run(max_examples: int, seed: int, checks: str, max_time: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        # the limits off: the fuzzer exercises the API itself, not the rate limiter
        server = start_server(folder / "games.sqlite", port, limits=False)
        try:
            wait_until_up(base)
            game = httpx.post(
                f"{base}/api/games", json={"scenario": "toy-3", "leader": "tribune", "seed": 1}
            ).json()
            room = httpx.post(
                f"{base}/api/classes", json={"name": "fuzz", "scenario": "toy-3"}
            ).json()
            config = folder / "schemathesis.toml"
            config.write_text(
                "[auth.openapi.PlayerToken]\n"
                f'api_key = "{game["token"]}"\n'
                "[auth.openapi.TeacherToken]\n"
                f'api_key = "{room["teacher_token"]}"\n'
                "[parameters]\n"
                f'game_id = "{game["id"]}"\n'
                f'code = "{room["code"]}"\n',
                encoding="utf-8",
            )
            command = [
                "schemathesis",
                "--config-file",
                str(config),
                "run",
                f"{base}/openapi.json",
                "--checks",
                checks,
                "--max-examples",
                str(max_examples),
                "--max-time",
                str(max_time),
                "--seed",
                str(seed),
                "--workers",
                "1",
                "--generation-database",
                "none",
                "--no-color",
            ]
            started = time.perf_counter()
            # run in the temporary folder: schemathesis leaves a cache of its own there
            done = subprocess.run(
                command,
                capture_output=True,
                text=True,
                env={**os.environ, "NO_COLOR": "1"},
                cwd=folder,
            )
            seconds = time.perf_counter() - started
            health = httpx.get(f"{base}/api/health").json()
        finally:
            server.terminate()
            server.wait(timeout=30)
    output = done.stdout + done.stderr
    failures = {
        name.strip(): int(count) for name, count in re.findall(r"❌ (ST\d+ [^:\n]+): (\d+)", output)
    }
    generated = re.search(r"(\d+) generated", output)
    return {
        "command": " ".join([*command[:2], "<config>", *command[3:]]),
        "seconds": round(seconds, 1),
        "test_cases": int(generated.group(1)) if generated else None,
        "failures": failures,
        "server_errors": sum(v for k, v in failures.items() if "Server error" in k),
        "games_on_server_after": health["games"],
        "exit_code": done.returncode,
        "summary": output[output.rfind("SUMMARY") - 40 :]
        if "SUMMARY" in output
        else output[-3000:],
        "output": output,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--max-examples", type=int, default=50)
    parser.add_argument("--max-time", type=int, default=120, help="seconds, at most")
    parser.add_argument("--output", type=Path, help="save schemathesis' full output here")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--checks", default="all")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    result = run(args.max_examples, args.seed, args.checks, args.max_time)
    if args.output is not None:
        args.output.write_text(result["output"], encoding="utf-8")
    if args.json:
        print(
            json.dumps(
                {k: v for k, v in result.items() if k not in ("summary", "output")}, indent=2
            )
        )
    else:
        print(result["summary"])
        print(f"server errors (5xx): {result['server_errors']}")
    sys.exit(1 if result["server_errors"] else 0)


if __name__ == "__main__":
    main()
