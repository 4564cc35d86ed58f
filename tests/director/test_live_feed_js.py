"""The Live Queues page's applyDelta (director/live/feed.js) gives the same answers as acd.live.apply.

Runs the JS under node on the same cases as Python: stale deltas ignored, the next one applied
(rows replaced or removed by null, waiting lists replaced), a skipped seq a Gap, and the input
snapshot left untouched.
"""

import json
import random
import shutil
import subprocess
from pathlib import Path

import pytest

from acd.live import apply
from acd.live.feed import Gap

FEED_JS = Path(__file__).resolve().parents[2] / "director/static/director/live/feed.js"
NODE = shutil.which("node")

RUNNER = """
const {applyDelta, Gap} = require(process.argv[1]);
const cases = JSON.parse(require("fs").readFileSync(0, "utf8"));
const out = cases.map(([snap, delta]) => {
  const before = JSON.stringify(snap);
  try {
    const got = applyDelta(snap, delta);
    return {result: got, untouched: JSON.stringify(snap) === before};
  } catch (err) {
    if (!(err instanceof Gap)) throw err;
    return {gap: [err.have, err.got], untouched: JSON.stringify(snap) === before};
  }
});
process.stdout.write(JSON.stringify(out));
"""

STATES = ["logged_out", "released", "available", "reserved", "ringing", "on_call", "wrap_up"]


def _row(rng: random.Random) -> dict[str, str]:
    state = rng.choice(STATES)
    return {
        "state": state,
        "code": rng.choice(["", "Lunch"]) if state == "released" else "",
        "call": f"c{rng.randint(1, 9)}" if state in ("reserved", "ringing", "on_call") else "",
    }


def _cases(n: int) -> list[tuple[dict, dict]]:
    rng = random.Random(20240611)
    numbers, services = ["1001", "1002", "1003", "1004"], ["Sales", "Support"]
    cases = []
    for _ in range(n):
        seq = rng.randint(0, 50)
        snap = {
            "group": "wallboard",
            "seq": seq,
            "agents": {a: _row(rng) for a in rng.sample(numbers, rng.randint(0, 4))},
            "queues": {s: [f"c{rng.randint(1, 99)}" for _ in range(rng.randint(0, 4))] for s in services},
        }
        delta = {
            "group": "wallboard",
            "seq": seq + rng.choice([-1, 0, 1, 1, 1, 2, 5]),
            "agents": {a: (None if rng.random() < 0.3 else _row(rng)) for a in rng.sample(numbers, rng.randint(0, 3))},
            "queues": {
                s: [f"c{rng.randint(1, 99)}" for _ in range(rng.randint(0, 3))] for s in rng.sample(services, 1)
            },
        }
        cases.append((snap, delta))
    return cases


@pytest.mark.skipif(NODE is None, reason="node is not installed")
def test_js_apply_matches_python_apply():
    cases = _cases(300)
    run = subprocess.run(
        [NODE, "-e", RUNNER, str(FEED_JS)],
        input=json.dumps(cases),
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    )
    answers = json.loads(run.stdout)
    kinds = set()
    for (snap, delta), js in zip(cases, answers, strict=True):
        assert js["untouched"], (snap, delta)
        try:
            expected = apply(snap, delta)
        except Gap as gap:
            kinds.add("gap")
            assert js == {"gap": [gap.have, gap.got], "untouched": True}
        else:
            kinds.add("stale" if delta["seq"] <= snap["seq"] else "applied")
            assert js["result"] == expected, (snap, delta)
    assert kinds == {"gap", "stale", "applied"}  # the cases cover every branch
