"""The agent desktop in a real browser: log in → land on the desktop → ready → an offered call pops the
customer's data → the call ends into wrap-up → a wrap-up code → ready, against daphne, the real channel
layer and Redis (tests/integration/browser.py)."""

import time

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect, sync_playwright

from acd.models import ReleaseCode, WrapUpCode
from acd.services.users import assign_role
from calls.models import AcdEvent, CallProfileField
from core.roles import Role
from tests.acd.live.helpers import drop, load_engine, use_test_prefixes
from tests.director.factories import AgentFactory, GroupFactory, ServiceFactory
from tests.integration.browser import in_thread
from tests.integration.test_director_browser import CHROMIUM_ARGS

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]
SCREENSHOT = "/tmp/desktop-pop.png"
CRM = "https://crm.example.com/customer?id=%Customer Number%"


@pytest.fixture
def desk(settings):
    client, prefix = use_test_prefixes(settings)
    tier1 = GroupFactory(name="Tier1", wrap_up_seconds=120)
    user = get_user_model().objects.create_user("ada", "ada@example.com", "ada-pass-12345")
    assign_role(user, Role.AGENT)
    ada = AgentFactory(number="1001", name="Ada Lovelace", user=user)
    ada.groups.add(tier1)
    ServiceFactory(name="Sales", groups=[tier1], screen_pop_url=CRM)
    ReleaseCode.objects.create(code="LUNCH", name="Lunch")
    WrapUpCode.objects.create(code="SALE", name="Sale", productive=True)
    CallProfileField.objects.filter(name__in=["ANI", "Customer Name", "Customer Number"]).update(exported=True)
    load_engine(client, prefix, [ada], {"Sales": ["Tier1"]})
    yield ada
    drop(client, prefix)


def test_login_ready_screen_pop_wrap_up_code_ready(asgi_url, desk):
    from acd.services import acd_calls
    from acd.services.screen_pops import offer_pop

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 860})
            page.set_default_timeout(8_000)
            page.goto(asgi_url + "/ccd/login/")
            page.get_by_label("Username").fill("ada")
            page.get_by_label("Password").fill("ada-pass-12345")
            page.get_by_role("button", name="Log in").click()
            page.wait_for_url(asgi_url + "/ccd/agent/")  # an agent lands on the desktop
            state = page.locator("#desk-state")
            expect(page.locator("#desktop")).to_have_attribute("data-status", "live")
            expect(state).to_have_text("logged out")

            page.get_by_role("button", name="Log in").click()
            expect(state).to_have_text("ready")
            expect(page.locator("#desk-since")).to_have_text("for 00:00")

            # a call for Sales is offered to Ada; the media child sends the pop as her phone rings
            assert in_thread(acd_calls.call_queued, call_id="c-1", service="Sales").agent == "1001"
            expect(state).to_have_text("call offered")
            profile = {"ANI": "+15551234567", "Customer Name": "Ann <b>Lee</b>", "Customer Number": "42&x=1"}
            sent_ms = time.time() * 1000
            in_thread(offer_pop, call_id="c-1", agent="1001", service="Sales", profile=profile)
            expect(page.locator("#desk-pop")).to_be_visible()
            painted_ms = float(page.locator("#desktop").get_attribute("data-pop-shown-at"))
            print(f"screen pop painted {painted_ms - sent_ms:.1f} ms after offer_pop was called")
            assert painted_ms - sent_ms < 1000
            fields = page.locator("#desk-pop-fields")
            expect(fields.locator("tr", has_text="Customer Name").locator("td")).to_have_text("Ann <b>Lee</b>")
            assert fields.locator("b").count() == 0  # text, never HTML
            expect(page.locator("#desk-pop-service")).to_have_text("Service Sales")
            link = page.locator("#desk-pop-url")
            expect(link).to_have_attribute("href", "https://crm.example.com/customer?id=42%26x%3D1")
            expect(link).to_have_attribute("target", "_blank")

            in_thread(acd_calls.call_answered, call_id="c-1", agent="1001")
            expect(state).to_have_text("on a call")
            page.screenshot(path=SCREENSHOT, full_page=True)
            in_thread(acd_calls.call_hangup, call_id="c-1")
            expect(state).to_have_text("wrap-up")
            expect(page.locator("#desk-pop")).to_be_visible()  # the caller's data stays through wrap-up

            page.get_by_label("Wrap-up code").select_option("SALE")
            page.get_by_role("button", name="Wrap up").click()
            expect(page.locator("#desk-note")).to_have_text("Wrap-up code SALE recorded.")
            page.keyboard.press("Alt+E")  # end wrap-up
            expect(state).to_have_text("ready")
            expect(page.locator("#desk-pop")).to_be_hidden()

            page.get_by_label("Release code").select_option("LUNCH")
            page.keyboard.press("Alt+L")
            expect(state).to_have_text("released")
            expect(page.locator("#desk-code")).to_have_text("code LUNCH")
            page.screenshot(path="/tmp/desktop-released.png", full_page=True)
        finally:
            browser.close()
    actions = list(AcdEvent.objects.filter(agent="1001", data__action__isnull=False).values_list("data", flat=True))
    assert [(a["action"], a.get("code"), a.get("by")) for a in actions] == [
        ("login", None, "ada"),
        ("wrap_up", "SALE", "ada"),
        ("end_wrap_up", None, "ada"),
        ("release", "LUNCH", "ada"),
    ]


def test_a_supervisor_is_refused_the_desktop_with_a_sentence(client, desk, role_user):
    client.force_login(role_user("supervisor"))
    response = client.get("/ccd/agent/")
    assert response.status_code == 403 and "The agent desktop is for agents." in response.content.decode()


def test_an_agent_user_without_an_agent_is_told_why(client, role_user):
    client.force_login(role_user("agent"))
    response = client.get("/ccd/agent/")
    assert response.status_code == 403 and "not linked to an agent" in response.content.decode()
