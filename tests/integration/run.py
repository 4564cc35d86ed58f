"""Run a plain function of a test helper module inside a separate ccweb installation and read back its result.

    python -m tests.integration.run tests.integration.media.setup_commands:log_agents '{"login": ["1001"]}'

The process gets the installation's environment (its CCWEB_VAR_DIR, REDIS_URL, ACD prefixes...: what its
`manage.py` sees), sets Django up with those settings, calls the function with the JSON object as keyword
arguments and prints the function's return value as JSON on a line of its own after RESULT. Tests use `call(env,
function, **kwargs)`, which runs that and returns the value; `command(function, **kwargs)` is the command line, for
a process a test starts itself. Functions, arguments and results are plain: code that ruff and the imports check,
instead of Python in strings for `manage.py shell -c`.
"""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import django

ROOT = Path(__file__).resolve().parents[2]
RESULT = "result: "


def command(function: Callable[..., Any], /, **kwargs: Any) -> list[str]:
    """The command line that runs `function(**kwargs)` (started with cwd=ROOT and the installation's env)."""
    target = f"{function.__module__}:{function.__qualname__}"
    return [sys.executable, "-m", "tests.integration.run", target, json.dumps(kwargs)]


def call(env: dict[str, str], function: Callable[..., Any], /, **kwargs: Any) -> Any:
    """`function(**kwargs)` run in the installation of `env`; its return value."""
    done = subprocess.run(command(function, **kwargs), cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    return result(done.stdout)


def result(stdout: str) -> Any:
    """The value a run printed (its last RESULT line: a function or Django may print lines of their own)."""
    for line in reversed(stdout.splitlines()):
        if line.startswith(RESULT):
            return json.loads(line[len(RESULT) :])
    raise AssertionError(f"no {RESULT!r} line in:\n{stdout}")


def main(target: str, arguments: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ccweb.settings")
    django.setup()
    module, name = target.split(":")
    value = getattr(importlib.import_module(module), name)(**json.loads(arguments))
    print(RESULT + json.dumps(value), flush=True)


if __name__ == "__main__":
    main(*sys.argv[1:])
