"""Monitoring > Live Queues in a real browser, against daphne, the real channels_redis layer and Redis.

daphne serves ccweb.asgi in a thread of the test process (tests/integration/browser.py, the session's
`asgi_url`); service-layer actions run in a worker thread (`in_thread`).
"""

import re
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.test import Client
from playwright.sync_api import Page, expect, sync_playwright

from tests.acd.live.helpers import drop, load_engine, use_test_prefixes
from tests.director.factories import AgentFactory, GroupFactory, ServiceFactory
from tests.integration.browser import in_thread as _in_thread
from tests.integration.test_director_browser import CHROMIUM_ARGS

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]
SCREENSHOT = "/tmp/live-queues.png"


@pytest.fixture
def live_acd(settings, admin_user):
    """Sales served by Tier1 (agents 1001 Ada, 1002 Bob) loaded in a test-prefixed engine; a staff session."""
    client, prefix = use_test_prefixes(settings)
    tier1 = GroupFactory(name="Tier1")
    ada, bob = AgentFactory(number="1001", name="Ada Lovelace"), AgentFactory(number="1002", name="Bob Moog")
    for agent in (ada, bob):
        agent.groups.add(tier1)
    ServiceFactory(name="Sales", groups=[tier1])
    load_engine(client, prefix, [ada, bob], {"Sales": ["Tier1"]})
    http = Client()
    http.force_login(admin_user)
    yield {"ada": ada, "bob": bob, "session": http.cookies["sessionid"].value}
    drop(client, prefix)


@contextmanager
def live_page(base_url: str, session: str) -> Iterator[Page]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": 1360, "height": 900})
            context.add_cookies([{"name": "sessionid", "value": session, "url": base_url}])
            page = context.new_page()
            page.set_default_timeout(8_000)
            page.goto(base_url + "/ccd/live/")
            yield page
        finally:
            browser.close()


def test_live_queues_follow_the_acd_and_force_an_agent(asgi_url, live_acd):
    """Changes made elsewhere redraw the row and the bars without a reload; the force select acts and a
    refusal shows the API's 409 reason."""
    from acd.services import acd_calls, agent_states

    with live_page(asgi_url, live_acd["session"]) as page:
        status, ada = page.locator("#live-status"), page.locator("#agent-row-1001")
        sales = page.locator('.live-service[data-service="Sales"]')
        expect(status).to_have_text("live")
        expect(ada.locator("td").nth(1)).to_have_text("Ada Lovelace")
        expect(ada.locator(".live-pill")).to_have_text("logged out")
        expect(sales.locator('.live-seg[data-state="logged_out"]')).to_have_attribute("data-count", "2")
        expect(sales.locator("[data-waiting=Sales]")).to_have_text("0")
        seq = int(page.locator("#live-seq").inner_text())

        # An agent logs in elsewhere (service layer): its row and the Sales bar change, no reload.
        _in_thread(agent_states.agent_login, agent=live_acd["ada"], ready=True)
        expect(ada.locator(".live-pill")).to_have_text("available")
        expect(sales.locator('.live-seg[data-state="available"]')).to_have_attribute("data-count", "1")
        expect(sales.locator('.live-seg[data-state="logged_out"]')).to_have_attribute("data-count", "1")
        expect(page.locator("#live-seq")).to_have_text(str(seq + 1))

        # The supervisor forces Ada to released with a code.
        ada.get_by_label("Release code for agent 1001").fill("Coaching")
        ada.get_by_label("Force state of agent 1001").select_option("released")
        expect(ada.locator(".live-pill")).to_have_text("released")
        expect(ada.locator(".live-code-cell")).to_have_text("Coaching")

        # A call waits: nobody is available. The waiting bar shows it.
        result = _in_thread(acd_calls.call_queued, call_id="call-77", service="Sales")
        assert result.status == "queued", result
        expect(sales.locator("[data-waiting=Sales]")).to_have_text("1")
        expect(sales.locator(".live-waiting")).to_have_attribute("style", "width: 100%;")

        # Forced available, Ada is reserved for the waiting call at once...
        ada.get_by_label("Force state of agent 1001").select_option("available")
        expect(ada.locator(".live-pill")).to_have_text("reserved")
        expect(ada.locator(".live-call-cell")).to_have_text("call-77")
        expect(sales.locator("[data-waiting=Sales]")).to_have_text("0")
        # ...and a supervisor may not log her out now: the 409's reason is shown in her row.
        ada.get_by_label("Force state of agent 1001").select_option("logged_out")
        expect(ada.locator(".live-force-error")).to_contain_text(re.compile(r"^Refused: .*reserved"))
        expect(ada.locator(".live-pill")).to_have_text("reserved")
        expect(status).to_have_text("live")
        page.screenshot(path=SCREENSHOT, full_page=True)


def test_a_gap_resyncs_and_a_dropped_socket_reconnects(asgi_url, live_acd):
    """A delta that skips seqs makes the page ask for a snapshot; after the socket drops the page
    says so, reconnects by itself and keeps following the ACD."""
    from acd.services import agent_states

    with live_page(asgi_url, live_acd["session"]) as page:
        status, bob = page.locator("#live-status"), page.locator("#agent-row-1002")
        expect(status).to_have_text("live")
        seq = int(page.locator("#live-seq").inner_text())

        page.evaluate(
            """seq => window.ccwebLiveQueues.receive(
                {type: "delta", delta: {seq: seq + 5, agents: {"1002": null}, queues: {}}})""",
            seq,
        )
        page.wait_for_function("window.ccwebLiveQueues.resyncs === 1")
        expect(status).to_have_text("live")
        expect(bob.locator(".live-pill")).to_have_text("logged out")  # the bogus removal never applied
        expect(page.locator("#live-seq")).to_have_text(str(seq))

        page.evaluate("window.ccwebLiveQueues.delay = 1500; window.ccwebLiveQueues.socket.close()")
        expect(status).to_contain_text("reconnecting…")
        expect(status).to_have_text("live")
        _in_thread(agent_states.agent_login, agent=live_acd["bob"], ready=False)
        expect(bob.locator(".live-pill")).to_have_text("released")
