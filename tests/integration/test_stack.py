"""The processes of the Procfile, started as `make run` starts them, on a fresh var/ dir.

daphne serves the Director at /ccd with its static files and navigation after login; a
Celery worker takes the beat's shoretelcfg.ini job from the real Redis broker.
"""

import http.cookiejar
import re
import sqlite3
import sys
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from tests.integration.conftest import ROOT, manage, start, stop, wait_until
from tests.integration.web_process import web_process

pytestmark = pytest.mark.integration
NAVIGATION = [
    "System Parameters",
    "External Interfaces",
    "Database Connections",
    "Routing Preferences",
    "Call Profiles",
    "IRNs",
    "DNIS",
    "Services",
    "Groups",
    "Agents",
    "Skills",
    "Misc",
]


@pytest.fixture(scope="module")
def prepared(stack_env):
    for step in (["migrate", "--no-input"], ["collectstatic", "--no-input"], ["load_demo"], ["ensure_admin"]):
        manage(stack_env, *step)
    return stack_env


@pytest.fixture(scope="module")
def web(prepared, tmp_path_factory):
    with web_process(prepared, tmp_path_factory.mktemp("logs") / "daphne.log") as base:
        yield base


def test_director_login_page_and_navigation_under_daphne(web):
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(web + "/ccd")
    assert page.url.startswith(web + "/ccd/login/")
    html = page.read().decode()
    stylesheet = re.search(r'<link[^>]+href="([^"]+\.css)"', html).group(1)
    assert opener.open(urllib.parse.urljoin(web, stylesheet)).status == 200
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    form = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": token, "username": "director", "password": "integration-pass-1", "next": "/ccd/"}
    ).encode()
    request = urllib.request.Request(page.url, data=form, headers={"Referer": page.url})
    home = opener.open(request)
    assert home.url == web + "/ccd/"
    body = home.read().decode()
    for label in NAVIGATION:
        assert label in body, label


def test_worker_runs_the_shoretelcfg_job_from_redis(prepared, tmp_path_factory):
    from celery import Celery

    config = Path(prepared["CCWEB_VAR_DIR"]) / "config"
    config.mkdir(exist_ok=True)
    (config / "shoretelcfg.ini").write_text("[call_profile]\nuser_fields=AccNo, Balance, DueDate\n")
    log = tmp_path_factory.mktemp("logs") / "worker.log"
    worker = start(
        prepared,
        [
            str(Path(sys.executable).parent / "celery"),
            "-A",
            "ccweb",
            "worker",
            "-Q",
            "sql,dialer,default",
            "--pool",
            "solo",
            "-l",
            "info",
        ],
        log,
    )
    try:
        client = Celery(broker=prepared["REDIS_URL"])
        client.send_task("acd.tasks.reload_shoretelcfg", queue="default")
        database = Path(prepared["CCWEB_VAR_DIR"]) / "ccweb.sqlite3"

        def exported():
            with sqlite3.connect(database) as db:
                rows = db.execute(
                    "SELECT tapi_property FROM acd_callprofilefield WHERE exported AND kind='user' "
                    "AND name IN ('AccNo','Balance','DueDate')"
                ).fetchall()
            return sorted(r[0] for r in rows) == ["_STCC_AccNo", "_STCC_Balance", "_STCC_DueDate"]

        wait_until(exported, 60, "the worker to apply shoretelcfg.ini")
    finally:
        stop(worker)


def test_procfile_lists_only_real_processes():
    from django.core.management import get_commands

    lines = [line for line in (ROOT / "Procfile").read_text().splitlines() if line.strip()]
    names = [line.split(":")[0] for line in lines]
    assert names == ["web", "worker", "beat", "sip", "media", "rtp"]  # ARCHITECTURE.md's processes
    for line in lines:  # every manage.py command a process runs exists
        words = line.split()
        if "manage.py" in words:
            assert words[words.index("manage.py") + 1] in get_commands(), line
