"""The browser phone end to end (issue 12 item 3): headless Chromium with a fake microphone playing an 1800 Hz
tone logs in as an agent; the desktop's JsSIP registers extension 1001 over the front's WebSocket; a pjsua2
caller (`manage.py democall --play`, a 500 Hz tone) dials IRN 5002 ("Stock desk direct" → Stocks) and is
queued; the ACD offers the call to the browser agent with the screen pop; the agent answers; audio flows both
ways through rtpengine (the browser's getStats() counts inbound audio, the caller's recording holds the
browser's tone); hold, mute and a DTMF key work on the live call; the caller hangs up and the agent is in
wrap-up. Then a blind transfer from the browser. One stack for the module: a separate installation (file
SQLite, its own Redis db and ACD prefix), the media pool behind a front with its WebSocket and rtpengine, and
the web process (daphne) the browser talks to.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time

import pytest
from playwright.sync_api import expect, sync_playwright

from tests.integration.media import db, setup_commands
from tests.integration.media import sipfront_helpers as f
from tests.integration.media.audio_check import seconds_of, tone, windows
from tests.integration.media.pool import END_TO_END, ROOT, installation_env, manage
from tests.integration.phones import phone_stack, rtpengine_available
from tests.integration.run import call
from tests.integration.test_director_browser import CHROMIUM_ARGS
from tests.integration.web_process import web_process

pytestmark = [*END_TO_END, pytest.mark.skipif(not rtpengine_available(), reason="needs rtpengine")]
pytest.importorskip("pjsua2")

REDIS_DB = 8
AGENT, USER, PASSWORD = "1001", "ada", "ada-pass-12345"
CRM = "https://crm.example.com/customer?ani=%ANI%"
BROWSER_HZ, CALLER_HZ = 1800, 500
SCREENSHOTS = "/tmp/softphone-{}.png"


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    var = tmp_path_factory.mktemp("var")
    work = tmp_path_factory.mktemp("softphone")
    env = installation_env(var, REDIS_DB, "softphone-test")
    browser_tone = tone(work / "browser-tone.wav", BROWSER_HZ, 30, rate=48000)
    caller_tone = tone(work / "caller-tone.wav", CALLER_HZ, 4)
    manage(env, "migrate", "--no-input")
    manage(env, "load_demo")
    manage(env, "ensure_default_moh")
    with phone_stack(env, work, children=2) as phones:  # puts the installation's SIP settings in env first
        installed = call(
            env,
            setup_commands.softphone_installation,
            agent=AGENT,
            username=USER,
            password=PASSWORD,
            screen_pop_url=CRM,
        )
        assert installed["extension"] == AGENT and installed["irn"] == {"5002": "Stocks"}, installed
        with web_process(env, work / "daphne.log") as web_url:
            try:
                yield {
                    "env": env,
                    "work": work,
                    "phones": phones,
                    "web_url": web_url,
                    "db": var / "ccweb.sqlite3",
                    "sip_port": phones.front.port,
                    "browser_tone": browser_tone,
                    "caller_tone": caller_tone,
                }
            finally:
                print(phones.log.read_text(errors="replace")[-4000:])


def _caller(stack, name: str, *, timeout_s: float, number: str = "5002") -> subprocess.Popen:
    """democall to `number` with the caller's tone, recording what the caller hears; hangs up at `timeout_s`."""
    return subprocess.Popen(
        [sys.executable, "manage.py", "democall", number, "--play", str(stack["caller_tone"])]
        + ["--record", str(stack["work"] / f"{name}.wav"), "--timeout", str(timeout_s)]
        + ["--from", "+15551230000", "--front", f"sip:{f.HOST}:{stack['sip_port']}"],
        cwd=ROOT,
        env=stack["env"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _finish(caller: subprocess.Popen) -> str:
    output, _ = caller.communicate(timeout=90)
    assert caller.returncode == 0, output
    return output


@pytest.fixture(scope="module")
def desktop(stack):
    """The agent's desktop in Chromium, logged in, its browser phone registered."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=[
                *CHROMIUM_ARGS,
                "--use-fake-ui-for-media-stream",
                "--use-fake-device-for-media-stream",
                f"--use-file-for-fake-audio-capture={stack['browser_tone']}",
                "--autoplay-policy=no-user-gesture-required",
            ],
        )
        try:
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            context.grant_permissions(["microphone"])
            page = context.new_page()
            page.set_default_timeout(15_000)
            page.goto(stack["web_url"] + "/ccd/login/")
            page.get_by_label("Username").fill(USER)
            page.get_by_label("Password").fill(PASSWORD)
            page.get_by_role("button", name="Log in").click()
            page.wait_for_url(stack["web_url"] + "/ccd/agent/")
            expect(page.locator("#desktop")).to_have_attribute("data-status", "live")
            expect(page.locator("#softphone")).to_have_attribute("data-state", "registered")
            expect(page.locator("#phone-status")).to_have_text(f"Browser phone ready (extension {AGENT}).")
            page.get_by_role("button", name="Log in").click()  # to the ACD, ready at once
            expect(page.locator("#desk-state")).to_have_text("ready")
            yield page
        finally:
            browser.close()


def _inbound(page) -> dict:
    return page.evaluate("window.ccwebSoftphone.inboundAudio()") or {}


def test_a_queued_call_rings_the_browser_is_answered_and_audio_flows_both_ways(stack, desktop):
    page = desktop
    caller = _caller(stack, "answered", timeout_s=30)
    try:
        expect(page.locator("#softphone")).to_have_attribute("data-state", "incoming")
        expect(page.locator("#desk-pop")).to_be_visible()  # the screen pop with the ringing, not after it
        fields = page.locator("#desk-pop-fields")
        expect(fields.locator("tr", has_text="ANI").locator("td")).to_have_text("+15551230000")
        expect(page.locator("#desk-pop-url")).to_have_attribute(
            "href", "https://crm.example.com/customer?ani=%2B15551230000"
        )
        expect(page.locator("#phone-caller")).to_contain_text("+15551230000")
        page.screenshot(path=SCREENSHOTS.format("ringing"), full_page=True)

        page.keyboard.press("Alt+A")
        expect(page.locator("#softphone")).to_have_attribute("data-state", "talking")
        expect(page.locator("#desk-state")).to_have_text("on a call")
        time.sleep(4)
        inbound = _inbound(page)
        assert inbound.get("packets", 0) > 100 and inbound.get("energy", 0) > 0, inbound
        print("browser inbound audio after 4 s:", inbound)
        page.screenshot(path=SCREENSHOTS.format("talking"), full_page=True)

        page.get_by_role("button", name="Mute").click()
        expect(page.locator("#phone-mute")).to_have_attribute("aria-pressed", "true")
        time.sleep(2.5)
        page.get_by_role("button", name="Mute").click()
        expect(page.locator("#phone-mute")).to_have_attribute("aria-pressed", "false")
        time.sleep(2.5)
        page.get_by_role("button", name="Hold").click()
        expect(page.locator("#softphone")).to_have_attribute("data-state", "held")
        time.sleep(2.5)
        page.get_by_role("button", name="Resume").click()
        expect(page.locator("#softphone")).to_have_attribute("data-state", "talking")
        time.sleep(2.5)
        page.locator("button[data-dtmf='5']").click()

        output = _finish(caller)  # the caller hangs up at its timeout
    finally:
        if caller.poll() is None:
            caller.kill()
    expect(page.locator("#softphone")).to_have_attribute("data-state", "registered")
    expect(page.locator("#desk-state")).to_have_text("wrap-up")
    page.screenshot(path=SCREENSHOTS.format("wrap-up"), full_page=True)
    recording = stack["work"] / "answered.wav"
    heard = seconds_of(recording, BROWSER_HZ)
    assert heard >= 8, f"the caller heard the browser's tone for {heard:.1f} s\n{output}"
    # per 100 ms of what the caller heard: T the agent's microphone, . silence, o anything else (music on hold)
    timeline = "".join(
        "." if rms < 100 else "T" if abs(hz - BROWSER_HZ) <= BROWSER_HZ * 0.1 else "o" for rms, hz in windows(recording)
    )
    print(f"the caller heard the browser's {BROWSER_HZ} Hz tone for {heard:.1f} s:", timeline)
    # talk, muted (silence), talk, held (music on hold, never the agent), talk again after resume
    assert re.search(r"T{20,}.?.?\.{15,}.?.?T{15,}.?.?(?:[o.]|T(?!T)){15,}.?.?T{15,}", timeline), (
        timeline
    )  # (a lone T: a note of the music; .?: the windows where one part ends and the next begins)
    assert "DTMF 5 received" in output  # the agent's key reached the caller through rtpengine and the bridge
    assert "Call record" in output and ": completed" in output, output

    page.get_by_label("Wrap-up code").select_option("")
    page.keyboard.press("Alt+E")
    expect(page.locator("#desk-state")).to_have_text("ready")


def test_a_blind_transfer_from_the_browser_leaves_the_caller_with_the_target(stack, desktop):
    """Transfer to IRN 5000 (Main line → Customer Care, nobody ready): the browser's leg ends, the caller is not
    hung up (it waits in the new queue until its own timeout), and the record says the phone transferred."""
    page = desktop
    expect(page.locator("#desk-state")).to_have_text("ready")
    caller = _caller(stack, "transferred", timeout_s=20)
    try:
        expect(page.locator("#softphone")).to_have_attribute("data-state", "incoming")
        page.get_by_role("button", name="Answer").click()
        expect(page.locator("#softphone")).to_have_attribute("data-state", "talking")
        page.get_by_label("Blind transfer to").fill("5000")
        page.get_by_role("button", name="Transfer").click()
        expect(page.locator("#softphone")).to_have_attribute("data-state", "registered")
        output = _finish(caller)
    finally:
        if caller.poll() is None:
            caller.kill()
    assert "hung up by democall at its timeout" in output, output  # the caller was never dropped
    assert "queued  service Customer Care" in output, output
    call_id = re.search(r"^Call record (\w+): abandoned", output, re.M).group(1)  # the caller left the new queue
    record = db.wait_rows(stack["db"], "SELECT trace FROM acd_callrecord WHERE call_id = ?", (call_id,), 1)[0]
    transfer = [step for step in json.loads(record["trace"]) if step["action"] == "transfer"]
    assert [(step["by"], step["target"], step["from_agent"]) for step in transfer] == [("refer", "5000", AGENT)]
    page.keyboard.press("Alt+E")  # end wrap-up
    expect(page.locator("#desk-state")).to_have_text("ready")


def test_an_agent_whose_browser_closes_mid_call_does_not_leave_the_caller_hanging(stack, desktop):
    """The tab goes away during a call: the call ends with its record (completed), the agent is in wrap-up,
    and nobody waits on a dead leg."""
    page = desktop
    caller = _caller(stack, "closed", timeout_s=40)
    try:
        expect(page.locator("#softphone")).to_have_attribute("data-state", "incoming")
        page.keyboard.press("Alt+A")
        expect(page.locator("#softphone")).to_have_attribute("data-state", "talking")
        time.sleep(1)
        started = time.monotonic()
        page.close()
        output = _finish(caller)
        ended_after = time.monotonic() - started
    finally:
        if caller.poll() is None:
            caller.kill()
    assert ended_after < 15, f"the call lasted {ended_after:.1f} s after the browser closed\n{output}"
    assert "Call record" in output and ": completed" in output, output
    states = call(stack["env"], setup_commands.log_agents, report=[AGENT])
    assert states[AGENT] == "wrap_up", states
