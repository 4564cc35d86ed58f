"""Queue treatment end to end: a real caller (manage.py democall, pjsua2) queued by the guide's example (a)
hears the service's welcome announcement, then the service's own music on hold, then its queue position
spoken between the music — all in the recording of what the caller heard.

The welcome is a 1000 Hz tone and the service's music a 300 Hz tone, so each 100 ms window of the recording
can be told apart by its zero crossings; the spoken position is neither tone."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.integration.media import setup_commands
from tests.integration.media import sipfront_helpers as f
from tests.integration.media.audio_check import tone, windows
from tests.integration.media.pool import END_TO_END, ROOT, installation_env, manage, media_pool
from tests.integration.run import call, command

pytestmark = END_TO_END
pytest.importorskip("pjsua2")

REDIS_DB = 10  # with a key prefix of this run's own: never flushed
INTERVAL_S = 3  # the model's minimum is 10 s; set straight in the database to keep the test short
OVERFLOW_AFTER = 2  # Customer Care's maximum queue time (s): then its overflow script runs


def _kind(rms: float, hz: float) -> str:
    if rms < 100:
        return "silence"
    if 900 <= hz <= 1100:
        return "welcome"
    if 560 <= hz <= 640:
        return "ivr"
    if 760 <= hz <= 840:
        return "overflow"
    if 270 <= hz <= 330:
        return "music"
    return "other"


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    var = tmp_path_factory.mktemp("var")
    work = tmp_path_factory.mktemp("treatment")
    env = installation_env(var, REDIS_DB, "treatment-test")
    manage(env, "migrate", "--no-input")
    manage(env, "load_demo")
    manage(env, "ensure_default_moh")
    tone(var / "media" / "announcements" / "welcome.wav", 1000, 1.0)
    tone(var / "media" / "moh" / "services" / "stocks.wav", 300, 4.0)
    tone(var / "prompts" / "0" / "enter_customer_id.wav", 440, 0.3)
    tone(var / "prompts" / "0" / "ivr_tone.wav", 600, 1.0)
    tone(var / "prompts" / "0" / "overflow_tone.wav", 800, 1.0)
    services = call(
        env, setup_commands.queue_treatment_installation, interval=INTERVAL_S, overflow_after=OVERFLOW_AFTER
    )
    assert (services["Stocks"]["announcement_interval"], services["Customer Care"]["max_queue_time"]) == (
        INTERVAL_S,
        OVERFLOW_AFTER,
    ), services
    with media_pool(env, work, 1, ready_s=40) as (front, log):
        try:
            yield {"env": env, "front": front, "work": work, "log": log}
        finally:
            print(log.read_text(errors="replace")[-3000:])


def _speech(text: str, start: int, span: int = 8) -> int:
    """Where speech starts after `start`: `span` windows with no music and mostly audible (speech has no
    one frequency: its windows read as any letter but `m`); -1 if none."""
    for at in range(start, len(text) - span + 1):
        window = text[at : at + span]
        if "m" not in window and sum(ch != "." for ch in window) >= span - 3:
            return at
    return -1


def _call(stack, digits: str, timeout_s: float, *, supervise: bool) -> tuple[str, str]:
    """democall 5100 with `digits`, recording what the caller hears; (democall's output, what was heard
    per 100 ms: `W` welcome, `i` IVR tone, `v` overflow tone, `m` the service's music, `o` anything else
    audible, `.` silence). `supervise`: the ACD's periodic job runs meanwhile (Celery beat in `make run`:
    positions to owners, maximum queue time)."""
    recording = stack["work"] / f"call-{digits.strip('#')}.wav"
    supervisor = None
    if supervise:
        supervisor = subprocess.Popen(
            command(setup_commands.supervise_queues_for, seconds=INTERVAL_S + 20),
            cwd=ROOT,
            env=stack["env"],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        # Django's start-up takes seconds on a busy machine: the job must run before the call queues
        assert supervisor.stdout is not None
        for line in supervisor.stdout:  # (the shell may print a line of its own first)
            if "supervising" in line:
                break
    try:
        result = subprocess.run(
            [sys.executable, "manage.py", "democall", "5100", "--digits", digits, "--record", str(recording)]
            + ["--timeout", str(timeout_s), "--front", f"sip:{f.HOST}:{stack['front'].port}"],
            cwd=ROOT,
            env=stack["env"],
            capture_output=True,
            text=True,
            timeout=90,
        )
    finally:
        if supervisor is not None:
            supervisor.kill()
            supervisor.wait(10)
    assert result.returncode == 0, result.stdout + result.stderr
    letters = {"silence": ".", "welcome": "W", "ivr": "i", "overflow": "v", "music": "m", "other": "o"}
    text = "".join(letters[_kind(rms, hz)] for rms, hz in windows(recording))
    print("what the caller heard, per 100 ms:", text)
    return result.stdout, text


def test_a_queued_caller_hears_welcome_then_the_services_music_then_the_position(stack):
    output, text = _call(stack, "1001#", INTERVAL_S + 9, supervise=True)
    assert "queued" in output and "Stocks" in output, output
    # the welcome follows the digits (prompt + typing: the first seconds), and lasts about 1 s
    welcome = text.find("WWWWW")
    assert welcome >= 0, text
    # then the service's own music (not System > Misc's), for a good while
    music = text.find("mmmmmmmmmm", welcome)
    assert music > welcome, text
    # one interval after the call entered the queue, the position is spoken between the music
    spoken = _speech(text, music)
    assert spoken > music, text
    assert "mmmmm" in text[spoken:], text  # and the music comes back
    assert "Traceback" not in stack["log"].read_text(errors="replace")


def test_the_services_ivr_application_runs_while_the_caller_waits_then_the_music(stack):
    """Bonds has an IVR application (a 600 Hz prompt, then its end): the waiting caller hears it, then the
    service's music; the script's end does not hang up: the caller stays queued until they hang up."""
    output, text = _call(stack, "1002#", 6, supervise=False)
    assert "Bonds" in output, output
    ivr = text.find("iiiiiii")
    assert ivr >= 0, text
    assert "mmmmmmmmmm" in text[ivr:], text  # the music after the IVR application, the caller still queued
    assert "abandoned" in output, output  # they hung up while waiting: not dropped by the script


def test_a_call_past_the_maximum_queue_time_runs_the_overflow_script(stack):
    """4242 is no customer: example (a) queues the caller to Customer Care, whose maximum queue time (2 s)
    sends the call to its overflow destination, a script (an 800 Hz prompt, then Hang Up). The ACD's
    service rules run as beat runs them; the caller hears the music on hold, then the overflow script, and the
    far end hangs up; the record's trace goes on with the overflow script's steps."""
    output, text = _call(stack, "4242#", 20, supervise=True)
    # "customer not found", System > Misc's music in Customer Care's queue, then the overflow script's prompt
    assert "vvvvvvv" in text, text
    assert text.rstrip(".").endswith("vvvvv"), text  # ... after which its Hang Up ended the call
    assert len(text) < 150, text  # (democall did not wait for its 20 s timeout)
    assert "overflowed" in output, output  # the ACD's event, in the record
    assert "Overflow line" in output, output  # the overflow script's steps, in the trace
