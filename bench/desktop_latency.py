#!/usr/bin/env python
"""Screen-pop latency on the agent desktop's WebSocket, under ACD load, on the real web process.

Starts daphne (ccweb.asgi) on a free port against its own database and Redis keys, logs N agents in
(users with the agent role, each a session cookie), and opens each agent's feed (/ws/acd/agents/<n>/) as a
client that timestamps every message on receipt. A driver then makes ACD events at --rate per second: a
call queued for a ready agent (the reservation's delta), its screen pop through
acd.services.screen_pops.offer_pop (what a media child calls as the agent's phone rings: Redis, the channel
layer, the consumer), the call answered, the caller hanging up (wrap-up) and the agent ready again. Each of
those sends the agent's feed a message; the pops are the latency samples:

  latency = receipt time at the client - the pop's offered_ms (taken inside offer_pop)

lost = pops sent - pops received. A baseline phase at a tenth of the rate runs first in the same run. One
real Chromium desktop (Playwright) is measured too: offer → the pop painted (data-pop-shown-at).

RESULT screen_pop_p99_ms=… lost=… (targets: p99 ≤ 250 ms, lost = 0).

  .venv/bin/python bench/desktop_latency.py [--agents 200] [--rate 500] [--seconds 20] [--drivers 4] [--postgres]
The database is a SQLite file, or with --postgres a fresh PostgreSQL database (dropped at the end); the
RESULT line says which. The events come from --drivers processes (one cannot make 500 a second).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _procs import free_port, stop_group  # noqa: E402  (bench/ is on sys.path when run as a script)
from _stats import percentile, progress  # noqa: E402

# the drivers (subprocesses, --drive) share the parent's var dir, database and key prefixes
VAR = os.environ.get("CCWEB_DESK_BENCH_VAR") or tempfile.mkdtemp(prefix="ccweb-desk-bench-")
PREFIX = os.environ.get("CCWEB_DESK_BENCH_PREFIX") or f"ccweb-deskbench-{uuid.uuid4().hex[:8]}"
os.environ.update(
    CCWEB_DESK_BENCH_VAR=VAR,
    CCWEB_DESK_BENCH_PREFIX=PREFIX,
    CCWEB_VAR_DIR=VAR,
    DJANGO_SETTINGS_MODULE="ccweb.settings",
    CCWEB_ACD_REDIS_PREFIX=f"{PREFIX}:acd:",
    CCWEB_ACD_GROUP_PREFIX=f"{PREFIX}.",
)
EVENTS_PER_CYCLE = 5  # queued+reserved, pop, answered, hang-up (wrap-up), ready
RATES: dict[str, float] = {}  # phase -> the ACD events per second reached


def setup(agents: int) -> tuple[list[str], dict[str, str]]:
    """Agents 3000… in group Bench serving service Bench, each with an agent-role user and a session."""
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command

    from acd.models import Agent, Group, Service, ServiceGroup
    from acd.services.live_config import sync_live_config
    from acd.services.users import assign_role
    from calls.models import CallProfileField
    from core.roles import Role

    call_command("migrate", verbosity=0)
    group = Group.objects.create(name="Bench", wrap_up_seconds=0)
    service = Service.objects.create(name="Bench", ring_timeout=300, screen_pop_url="https://crm/x?id=%ANI%")
    ServiceGroup.objects.create(service=service, group=group, position=0)
    CallProfileField.objects.filter(name__in=["ANI", "Customer Name"]).update(exported=True)
    numbers, cookies = [], {}
    User = get_user_model()
    for i in range(agents):
        number = str(3000 + i)
        user = User.objects.create_user(f"agent{number}", password="bench-pass-123")
        assign_role(user, Role.AGENT)
        agent = Agent.objects.create(
            number=number, name=f"Agent {number}", extension=f"sip:{number}@127.0.0.1", user=user
        )
        agent.groups.add(group)
        session = SessionStore()
        session["_auth_user_id"] = str(user.pk)
        session["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
        session["_auth_user_hash"] = user.get_session_auth_hash()
        session.create()
        numbers.append(number)
        cookies[number] = f"{settings.SESSION_COOKIE_NAME}={session.session_key}"
        progress("agents", i + 1, agents)
    sync_live_config()
    return numbers, cookies


POSTGRES = "postgresql://postgres@127.0.0.1:5432/"


def create_postgres_database() -> str:
    import psycopg

    name = PREFIX.replace("-", "_")
    with psycopg.connect(POSTGRES + "postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    os.environ["DATABASE_URL"] = POSTGRES + name  # the web process and the drivers inherit it
    return name


def drop_postgres_database(name: str) -> None:
    import psycopg

    with psycopg.connect(POSTGRES + "postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def start_web(port: int) -> subprocess.Popen:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    daphne = str(Path(sys.executable).parent / "daphne")
    log = open(Path(VAR) / "daphne.log", "w")  # noqa: SIM115 (closed with the process)
    return subprocess.Popen(
        [daphne, "-b", "127.0.0.1", "-p", str(port), "ccweb.asgi:application"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


class Clients:
    """N agent feeds in one asyncio loop (a thread): every pop's receipt time, by call id."""

    def __init__(self, port: int, cookies: dict[str, str]) -> None:
        self.port, self.cookies = port, cookies
        self.received: dict[str, float] = {}
        self.offered: dict[str, int] = {}
        self.messages = 0
        self.ready = threading.Event()
        self.stop = threading.Event()
        self.errors: list[str] = []

    async def _one(self, number: str, connected: list[int]) -> None:
        import websockets

        url = f"ws://127.0.0.1:{self.port}/ws/acd/agents/{number}/"
        headers = {"Cookie": self.cookies[number], "Origin": f"http://127.0.0.1:{self.port}"}
        async with websockets.connect(url, additional_headers=headers, max_queue=None, open_timeout=30) as ws:
            connected.append(1)
            while not self.stop.is_set():
                try:
                    raw = await asyncio.wait_for(ws.recv(), timeout=0.5)
                except TimeoutError:
                    continue
                now_ms = time.time() * 1000
                self.messages += 1
                message = json.loads(raw)
                if message.get("type") == "pop":
                    pop = message["pop"]
                    self.received.setdefault(pop["call"], now_ms)
                    self.offered[pop["call"]] = pop["offered_ms"]

    async def _all(self) -> None:
        connected: list[int] = []
        tasks = []
        for number in self.cookies:
            tasks.append(asyncio.create_task(self._one(number, connected)))
            await asyncio.sleep(0.005)  # daphne takes a burst of handshakes better spread a little
        while len(connected) < len(self.cookies):
            if any(t.done() for t in tasks):
                for t in tasks:
                    if t.done() and t.exception():
                        self.errors.append(repr(t.exception()))
                self.ready.set()
                return
            await asyncio.sleep(0.05)
        self.ready.set()
        await asyncio.gather(*tasks, return_exceptions=True)

    def run(self) -> threading.Thread:
        thread = threading.Thread(target=lambda: asyncio.run(self._all()), daemon=True)
        thread.start()
        return thread


def drive(numbers: list[str], rate: float, seconds: float, label: str, *, show: bool = True) -> list[str]:
    """Call cycles (each to the longest idle of `numbers`) so that `rate` ACD events per second reach the
    feeds; the call ids whose pop was sent."""
    from django.db import close_old_connections

    from acd.models import Agent
    from acd.services import acd_calls, agent_states
    from acd.services.screen_pops import offer_pop

    agents = {a.number: a for a in Agent.objects.filter(number__in=numbers)}
    cycles = int(rate * seconds / EVENTS_PER_CYCLE)
    interval = EVENTS_PER_CYCLE / rate
    sent: list[str] = []
    start = time.monotonic()
    for i in range(cycles):
        due = start + i * interval
        pause = due - time.monotonic()
        if pause > 0:
            time.sleep(pause)
        call_id = f"{label}-{i}"
        number = acd_calls.call_queued(call_id=call_id, service="Bench").agent  # the longest idle agent
        if number not in agents:
            raise RuntimeError(f"call {call_id} found no ready agent (got {number!r})")
        offer_pop(
            call_id=call_id, agent=number, service="Bench", profile={"ANI": f"+1555{i:07d}", "Customer Name": "Ann"}
        )
        sent.append(call_id)
        acd_calls.call_answered(call_id=call_id, agent=number)
        acd_calls.call_hangup(call_id=call_id)  # the agent goes to wrap-up
        agent_states.agent_end_wrap_up(agent=agents[number])
        if i % 50 == 0:
            close_old_connections()
            if show:
                progress(label, i + 1, cycles)
    if show:
        progress(label, cycles, cycles)
    behind = time.monotonic() - (start + cycles * interval)
    if behind > 1.0:
        print(f"  the driver fell {behind:.1f} s behind: the rate reached was below {rate:g}/s")
    return sent


def drive_parallel(numbers: list[str], rate: float, seconds: float, label: str, drivers: int) -> list[str]:
    """`drivers` processes each driving rate/drivers (one Python process cannot make 500 events/s)."""
    if drivers <= 1:
        return drive(numbers, rate, seconds, label)
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                __file__,
                "--drive",
                f"{label}{k}",
                "--rate",
                str(rate / drivers),
                "--seconds",
                str(seconds),
            ]
            + ["--numbers", ",".join(numbers)],
            cwd=ROOT,
            env=os.environ.copy(),
            stdout=subprocess.PIPE,
            text=True,
        )
        for k in range(drivers)
    ]
    sent: list[str] = []
    for proc in procs:
        out, _ = proc.communicate(timeout=seconds * 10 + 60)
        if proc.returncode != 0:
            raise RuntimeError(f"driver exited {proc.returncode}")
        sent += json.loads(out.strip().splitlines()[-1])
    return sent


def phase(
    clients: Clients, numbers: list[str], rate: float, seconds: float, label: str, drivers: int
) -> tuple[list[float], int]:
    started = time.monotonic()
    sent = drive_parallel(numbers, rate, seconds, label, drivers)
    took = time.monotonic() - started
    RATES[label] = len(sent) * EVENTS_PER_CYCLE / took
    print(f"  {label}: {len(sent)} call cycles in {took:.1f} s = {RATES[label]:.0f} events/s")
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and any(c not in clients.received for c in sent):
        time.sleep(0.05)
    latencies = [clients.received[c] - clients.offered[c] for c in sent if c in clients.received]
    lost = sum(1 for c in sent if c not in clients.received)
    return latencies, lost


def chromium_paint(port: int, cookie: str, number: str, samples: int = 10) -> list[float]:
    """One real desktop in Chromium: offer → the pop painted, for `samples` offers."""
    from playwright.sync_api import sync_playwright

    from acd.models import Agent
    from acd.services import acd_calls, agent_states
    from acd.services.screen_pops import offer_pop

    agent = Agent.objects.get(number=number)
    name, value = cookie.split("=", 1)
    pool = ThreadPoolExecutor(max_workers=1)  # Playwright's sync API runs an event loop: the ORM goes elsewhere

    def orm(func, **kwargs):
        return pool.submit(func, **kwargs).result(timeout=30)

    painted = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"]
        )
        try:
            context = browser.new_context()
            context.add_cookies([{"name": name, "value": value, "url": f"http://127.0.0.1:{port}"}])
            page = context.new_page()
            page.goto(f"http://127.0.0.1:{port}/ccd/agent/")
            page.wait_for_selector('#desktop[data-status="live"]', timeout=15000)
            for i in range(samples):
                call_id = f"paint-{i}"
                orm(acd_calls.call_queued, call_id=call_id, service="Bench")
                pop = orm(offer_pop, call_id=call_id, agent=number, service="Bench", profile={"ANI": "+15550000000"})
                page.wait_for_function(f"document.getElementById('desktop').dataset.popCall === '{call_id}'")
                shown = float(page.locator("#desktop").get_attribute("data-pop-shown-at"))
                painted.append(shown - pop["offered_ms"])
                orm(acd_calls.call_answered, call_id=call_id, agent=number)
                orm(acd_calls.call_hangup, call_id=call_id)
                orm(agent_states.agent_end_wrap_up, agent=agent)
        finally:
            browser.close()
            pool.shutdown()
    return painted


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agents", type=int, default=200)
    parser.add_argument("--rate", type=float, default=500.0, help="ACD events per second (5 per call cycle)")
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--drivers", type=int, default=4, help="driver processes")
    parser.add_argument("--postgres", action="store_true", help="a fresh PostgreSQL database (127.0.0.1, trust)")
    parser.add_argument("--drive", default="", help=argparse.SUPPRESS)  # a driver subprocess
    parser.add_argument("--numbers", default="", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.drive:
        import django

        django.setup()
        sent = drive(args.numbers.split(","), args.rate, args.seconds, args.drive, show=False)
        print(json.dumps(sent))
        return
    database_name = ""
    if args.postgres:
        database_name = create_postgres_database()

    numbers, cookies = setup(args.agents)
    from django.db import connection

    from acd.models import Agent
    from acd.services import agent_states

    database = connection.vendor
    for agent in Agent.objects.filter(number__in=numbers[1:]):  # the first agent is Chromium's, later
        agent_states.agent_login(agent=agent, ready=True)
    port = free_port()
    web = start_web(port)
    clients = Clients(port, {n: cookies[n] for n in numbers[1:]})  # the first agent is Chromium's
    try:
        time.sleep(2.0)
        clients.run()
        if not clients.ready.wait(120) or clients.errors:
            raise RuntimeError(f"agent feeds did not all connect: {clients.errors[:3]}")
        time.sleep(1.0)
        print(f"{len(clients.cookies)} agent feeds connected to daphne on :{port} ({database})")
        started = time.monotonic()
        base, base_lost = phase(clients, numbers[1:], args.rate / 10, min(args.seconds, 10), "baseline", 1)
        load, lost = phase(clients, numbers[1:], args.rate, args.seconds, "load", args.drivers)
        elapsed = time.monotonic() - started
        for agent in Agent.objects.filter(number__in=numbers[1:]):  # the calls now go to Chromium's agent
            agent_states.agent_logout(agent=agent)
        agent_states.agent_login(agent=Agent.objects.get(number=numbers[0]), ready=True)
        painted = chromium_paint(port, cookies[numbers[0]], numbers[0])
    finally:
        clients.stop.set()
        stop_group(web)
        if database_name:
            from django.db import connections

            connections.close_all()
            drop_postgres_database(database_name)
    for label, samples, missing in (("baseline", base, base_lost), ("load", load, lost)):
        print(
            f"{label}: {len(samples)} pops, p50 {percentile(samples, 0.5):.1f} ms, "
            f"p99 {percentile(samples, 0.99):.1f} ms, max {max(samples):.1f} ms, lost {missing}"
        )
    print(f"messages received by the feeds: {clients.messages} in {elapsed:.1f} s")
    print(f"Chromium desktop, offer → pop painted: p50 {percentile(painted, 0.5):.1f} ms, max {max(painted):.1f} ms")
    load_avg = os.getloadavg()[0]
    print(
        f"RESULT screen_pop_p99_ms={percentile(load, 0.99):.1f} lost={lost + base_lost} "
        f"baseline_p99_ms={percentile(base, 0.99):.1f} paint_p50_ms={percentile(painted, 0.5):.1f} "
        f"agents={args.agents} events_per_s={RATES['load']:.0f} asked_events_per_s={args.rate:g} "
        f"database={database} load_1m={load_avg:.2f}"
    )


if __name__ == "__main__":
    main()
