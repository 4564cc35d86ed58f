#!/usr/bin/env python
"""Real SIP load on the media tier: sipp -> Kamailio front -> `manage.py media_worker` children (pjsua2).

Starts its own stack (temp var dir, SQLite file DB, migrate, two IRNs with published scripts, N media
children, the Kamailio front, all on free ports) and drives it with sipp (tests/integration/media/sipp/
uac_wait_bye.xml: INVITE with SDP, ACK along the route set, wait for the child's BYE). Phases:
  baseline     sipp UAC against a sipp UAS directly (no ccweb) at the same rates: sipp's own CPU
               (UAC + UAS, % of one core), i.e. what the load generator and the kernel cost.
  cps          short IVR calls (IRN 5100: a --prompt s tone, then the script hangs up) at 5, 10, 20,
               30, 40, ... up to --max-cps for --step s each. max_cps = the highest rate whose step had
               0 failed calls (sipp's Failed call counter: a 486/503 from the front, a timeout or any
               unexpected message fails the call). The ramp stops at the first failing rate.
  concurrent   long IVR calls (IRN 5300: prompt, then music on hold until --hold s) placed at
               --conc-rate/s until min(--target-concurrent, 3 x children) calls are up at once.
               max_concurrent_ivr_calls = the highest simultaneous count (sipp's CurrentCall, checked
               against the active CallRecords) of a run with 0 failed calls; the run is retried at 3/4
               of the level if it had failures.
cpu_per_call_pct = CPU of every ccweb process (the supervisor, its pjsua2 children, Kamailio's
processes; utime+stime deltas of /proc/<pid>/stat, 100 = one core) while the concurrent calls are
all up (each child sending RTP: the prompt, then the hold music), divided by the number of calls.
The CPU per call-per-second of the cps phase is printed too (not in RESULT).

Why the concurrency figure is bounded: the pjsua2-python wheel is built with PJSUA_MAX_CALLS = 4, and a
child keeps one slot for an agent leg, so a child holds 3 callers (media_worker/pjsua/endpoint.py). 300
concurrent calls therefore need 100 children (~130 MB RSS each, ~13 GB) and 100 Python processes; the
default --processes is what the memory allows, up to that. The cps figure is bounded the same way:
max_cps <= 3 x children / call duration (prompt + setup/teardown), since a call holds its slot for its
whole life and the front answers 503 when every child is full. With enough children, CPU is the
limit: each idle child costs pjsua2's media thread and the front's OPTIONS pings (~0.3-0.5 % of a core;
its loop sleeps in the poll until something is due), and each call costs the RTP it sends and the 8 kHz
conference clock (~0.2 % per call); the output says which limit was hit.

The machine may be shared: /proc/loadavg is printed before and after, and the CPU figures are per
process, not machine-wide.

Needs sipp, kamailio, sox, Redis at 127.0.0.1:6379 (db 12). Everything it starts is stopped and its
temp dir removed at the end, also on Ctrl-C or an error.
Usage: .venv/bin/python bench/sip_load.py [--processes N] [--max-cps 60] [--hold 30] [--step 10]
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _procs import CpuMeter, rss_mb  # noqa: E402
from _sip_stack import LONG_NUMBER, SHORT_NUMBER, Stack  # noqa: E402
from _stats import progress  # noqa: E402

CALLS_PER_CHILD = 3
CHILD_RSS_MB = 130


def say(text: str) -> None:
    """A result line on stdout, after clearing a pending progress bar on stderr."""
    sys.stderr.write("\r" + " " * 72 + "\r")
    sys.stderr.flush()
    print(text, flush=True)


def loadavg() -> str:
    return Path("/proc/loadavg").read_text().strip()


def default_processes(target: int) -> int:
    """Enough children for `target` calls, bounded by half the available memory."""
    avail_kb = next(
        int(line.split()[1])
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemAvailable")
    )
    by_memory = int(avail_kb / 1024 * 0.6 / CHILD_RSS_MB)
    return max(1, min(-(-target // CALLS_PER_CHILD), by_memory))


def rates_up_to(max_cps: int) -> list[int]:
    rates = [r for r in (5, 10, 20) if r < max_cps]
    rate = 30
    while rate < max_cps:
        rates.append(rate)
        rate += 10
    return rates + [max_cps]


def wait_idle(stack: Stack, timeout: float = 20.0) -> int:
    deadline = time.monotonic() + timeout
    while (active := stack.active_records()) and time.monotonic() < deadline:
        time.sleep(0.5)
    return active


def baseline(stack: Stack, rates: list[int], step: int) -> dict[int, float]:
    uas, port = stack.start_uas()
    out: dict[int, float] = {}
    try:
        for i, rate in enumerate(rates):
            meter = CpuMeter({uas.pid})
            run = stack.sipp(
                port, scenario="uac.xml", number="1", calls=rate * step, rate=rate, limit=1000, timeout_s=step + 30
            )
            out[rate] = run.cpu_pct + meter.percent()
            progress("baseline", i + 1, len(rates))
            say(f"baseline  {rate:>3} cps  ok={run.ok:<5} failed={run.failed:<3} sipp CPU (uac+uas) {out[rate]:5.1f} %")
    finally:
        uas.send_signal(signal.SIGTERM)
        uas.wait(timeout=10)
    return out


def cps_search(stack: Stack, rates: list[int], step: int, base: dict[int, float]) -> tuple[int, int, float]:
    best, failed_at_best, cpu_per_cps = 0, 0, 0.0
    for i, rate in enumerate(rates):
        deaths = stack.deaths()
        for _attempt in range(3):
            meter = CpuMeter(stack.ccweb_pgids())
            run = stack.sipp(
                stack.front_port,
                scenario="uac_wait_bye.xml",
                number=SHORT_NUMBER,
                calls=rate * step,
                rate=rate,
                limit=1000,
                timeout_s=step + 30,
            )
            if run.ok or run.failed:
                break
            # sipp placed no call at all (it could not bind its ports: another process took them between
            # our free-port check and sipp's bind); that says nothing about ccweb, so run the step again
            say(f"cps       {rate:>3} cps  sipp placed no call, again: {run.output.strip()[-200:]!r}")
        ccweb = meter.percent()
        progress("cps", i + 1, len(rates))
        say(
            f"cps       {rate:>3} cps  ok={run.ok:<5} failed={run.failed:<3} 486/503={run.busy:<3} "
            f"peak concurrent={run.peak_current:<4} "
            f"ccweb CPU {ccweb:5.1f} %  sipp CPU {run.cpu_pct:5.1f} % (baseline {base.get(rate, 0):5.1f} %)  "
            f"wall {run.wall_s:5.1f} s  children died {stack.deaths() - deaths}"
        )
        leftover = wait_idle(stack)
        if run.failed or run.ok != rate * step:
            say(f"cps       stop: {run.failed} failed at {rate} cps ({leftover} records still active)")
            if stack.deaths() > deaths:
                stack.wait_pool_healthy()
            break
        best, failed_at_best, cpu_per_cps = rate, run.failed, ccweb / rate
    return best, failed_at_best, cpu_per_cps


def concurrency(stack: Stack, target: int, rate: int, hold: float) -> tuple[int, int, float]:
    level = target
    while level >= 1:
        state = {"meter": None, "cpu": 0.0, "db_peak": 0}
        deaths = stack.deaths()

        def sample(current: int, level: int = level, state: dict = state) -> None:
            progress("concurrent", min(current, level), level)
            if current >= level and state["meter"] is None:
                state["meter"] = CpuMeter(stack.ccweb_pgids())
            elif state["meter"] is not None and current >= level:
                state["cpu"] = state["meter"].percent()  # last sample while every call is up
            if current >= level * 0.9:
                state["db_peak"] = max(state["db_peak"], stack.active_records())

        run = stack.sipp(
            stack.front_port,
            scenario="uac_wait_bye.xml",
            number=LONG_NUMBER,
            calls=level,
            rate=rate,
            limit=level + 10,
            timeout_s=hold + level / rate + 40,
            sample=sample,
        )
        say(
            f"concurrent level={level:<4} ok={run.ok:<4} failed={run.failed:<3} 486/503={run.busy:<3} "
            f"peak sipp CurrentCall="
            f"{run.peak_current:<4} peak active CallRecords={state['db_peak']:<4} ccweb CPU at plateau "
            f"{state['cpu']:5.1f} %  ccweb RSS {rss_mb(stack.ccweb_pgids()):.0f} MB  "
            f"children died {stack.deaths() - deaths}"
        )
        wait_idle(stack, timeout=hold + 20)
        if stack.deaths() > deaths:
            stack.wait_pool_healthy()
        if run.failed == 0 and run.ok == level:
            peak = min(run.peak_current, level)
            return peak, 0, (state["cpu"] / peak if peak else 0.0)
        level = level * 3 // 4
    return 0, 0, 0.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--processes", type=int, default=None, help="media children (default: for the target, by memory)"
    )
    parser.add_argument("--max-cps", type=int, default=60)
    parser.add_argument("--hold", type=float, default=30.0, help="seconds a long (concurrency) call lasts")
    parser.add_argument("--step", type=int, default=10, help="seconds per CPS step")
    parser.add_argument("--prompt", type=float, default=1.0, help="seconds of the short calls' prompt")
    parser.add_argument("--target-concurrent", type=int, default=300)
    parser.add_argument("--conc-rate", type=int, default=20, help="calls/s while filling the concurrency phase")
    parser.add_argument("--skip-baseline", action="store_true")
    args = parser.parse_args()
    processes = args.processes or default_processes(args.target_concurrent)
    target = min(args.target_concurrent, CALLS_PER_CHILD * processes)
    hold = max(args.hold, target / args.conc_rate + 15)  # the first call must still be up when the last starts

    load_before = loadavg()
    say(f"loadavg before: {load_before}")
    say(
        f"children={processes} (capacity {CALLS_PER_CHILD} callers each: PJSUA_MAX_CALLS=4 in the wheel, 1 kept for an "
        f"agent leg) -> at most {CALLS_PER_CHILD * processes} concurrent calls; target {target}"
    )
    stack = Stack(processes=processes, hold_s=hold, prompt_s=args.prompt)
    interrupted = False

    def on_term(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_term)
    try:
        t0 = time.monotonic()
        stack.prepare()
        stack.start_media(on_progress=lambda done, total: progress("children", done, total))
        stack.start_front()
        say(
            f"stack up in {time.monotonic() - t0:.0f} s: front 127.0.0.1:{stack.front_port}, "
            f"ccweb RSS {rss_mb(stack.ccweb_pgids()):.0f} MB"
        )
        idle = CpuMeter(stack.ccweb_pgids())
        time.sleep(3)
        say(f"idle ccweb CPU {idle.percent():.1f} % (supervisor + {processes} children + kamailio)")

        rates = rates_up_to(args.max_cps)
        base = {} if args.skip_baseline else baseline(stack, rates, args.step)
        max_cps, failed_cps, cpu_per_cps = cps_search(stack, rates, args.step, base)
        say(f"cps       max {max_cps} cps with 0 failed; ccweb CPU per call/s {cpu_per_cps:.2f} %")
        max_conc, failed_conc, cpu_per_call = concurrency(stack, target, args.conc_rate, hold)
        say(f"outcomes of the CallRecords: {stack.outcomes()}; media children died in all: {stack.deaths()}")
        for line in stack.troubles():
            say(f"  {line}")
    except KeyboardInterrupt:
        interrupted = True
    finally:
        stack.close()
    say(f"loadavg after: {loadavg()} (before: {load_before}; 2 cores shared with other work)")
    if interrupted:
        print("interrupted: no RESULT", file=sys.stderr)
        return 130
    if max_conc < args.target_concurrent:
        needed = -(-args.target_concurrent // CALLS_PER_CHILD)
        if processes < needed:
            say(
                f"limit: {processes} children x {CALLS_PER_CHILD} calls (pjsua2 wheel PJSUA_MAX_CALLS=4); "
                f"{args.target_concurrent} calls need {needed} children (~{CHILD_RSS_MB} MB RSS each)"
            )
        else:
            say(
                f"limit: CPU, not slots: {processes} children hold {CALLS_PER_CHILD * processes} calls, but "
                f"{max_conc} calls already cost {cpu_per_call * max_conc:.0f} % of the {os.cpu_count() * 100} % "
                f"this machine has (idle pool included)"
            )
    print(
        f"RESULT max_cps={max_cps} max_concurrent_ivr_calls={max_conc} failed={failed_cps + failed_conc} "
        f"cpu_per_call_pct={cpu_per_call:.2f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
