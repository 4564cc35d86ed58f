"""The Director in a real browser: the guide's database-connection walkthrough, end to end.

pytest-django's live_server runs Django in a thread against the test database, so the
test needs transactional_db (the rows must be committed for that thread to see them).
Playwright's sync API runs an event loop in this thread, so database checks happen
after the browser is closed (Django refuses ORM calls inside a running loop).
"""

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect, sync_playwright

from acd.models import Group, Service
from scripts_app.models import DatabaseConnection

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SECRET = "Tr0ub4dor&3-odbc"
SCREENSHOT = "/tmp/director.png"


@contextmanager
def director_page(base_url: str) -> Iterator[Page]:
    """A browser page logged in as admin through the login form; the browser closes on exit."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1360, "height": 820})
            page.set_default_timeout(15_000)
            page.goto(base_url + "/ccd/")
            expect(page).to_have_url(base_url + reverse("director:login") + "?next=/ccd/")
            page.get_by_label("Username").fill("admin")
            page.get_by_label("Password").fill("admin-pass-123")
            page.get_by_role("button", name="Log in").click()
            expect(page).to_have_url(base_url + "/ccd/")
            yield page
        finally:
            browser.close()


def _create_database_connection(page: Page) -> dict[str, str]:
    nav = page.get_by_role("navigation", name="Director navigation")
    nav.get_by_text("System Parameters", exact=True).click()
    nav.get_by_text("External Interfaces", exact=True).click()
    nav.get_by_role("link", name="Database Connections", exact=True).click()
    expect(page.get_by_role("heading", name="Database Connections")).to_be_visible()

    page.get_by_role("link", name="New", exact=True).click()
    page.get_by_label("Name", exact=True).fill("Acct_Data")
    page.get_by_label("ODBC DSN").fill("crm_dsn")
    page.get_by_label("Database Type").select_option(label="MySQL/MariaDB")
    page.get_by_label("Timeout").fill("20")
    page.get_by_label("Username").fill("ccuser")
    page.get_by_label("Password", exact=True).fill(SECRET)
    page.get_by_label("Simultaneous Connections").fill("6")
    page.get_by_role("button", name="Create", exact=True).click()

    expect(page.get_by_role("cell", name="Acct_Data")).to_be_visible()
    expect(page.get_by_text("Database connection 'Acct_Data' created.")).to_be_visible()
    pages = {"list": page.content()}
    page.screenshot(path=SCREENSHOT, full_page=True)

    page.get_by_role("row", name="Acct_Data").get_by_role("link", name="Edit").click()
    expect(page.get_by_label("Password", exact=True)).to_have_value("")
    expect(page.get_by_text("A password is stored. Leave empty to keep it.")).to_be_visible()
    pages["edit"] = page.content()
    return pages


def test_create_a_database_connection_as_the_guide_describes(live_server, admin_user):
    """Navigate, click New, fill the guide's fields, click Create: listed, password shown nowhere, stored encrypted."""
    with director_page(live_server.url) as page:
        pages = _create_database_connection(page)
    # Playwright's loop has stopped: the ORM may be used again.

    for name, html in pages.items():
        assert "Acct_Data" in html, name
        assert SECRET not in html, name
    connection = DatabaseConnection.objects.get(name="Acct_Data")
    assert (connection.dsn, connection.database_type, connection.timeout) == ("crm_dsn", "mysql", 20)
    assert (connection.username, connection.simultaneous_connections) == ("ccuser", 6)
    assert connection.password_encrypted and connection.password_encrypted != SECRET
    assert connection.get_password() == SECRET
    for html in pages.values():
        assert connection.password_encrypted not in html


def test_irn_form_shows_only_the_target_of_the_chosen_destination(live_server, admin_user):
    """Choosing 'Service' as destination reveals the Service select and keeps Script and Device hidden."""
    with director_page(live_server.url) as page:
        _check_destination_toggle(page)


def _check_destination_toggle(page: Page) -> None:
    nav = page.get_by_role("navigation", name="Director navigation")
    nav.get_by_text("Routing", exact=True).click()
    nav.get_by_role("link", name="IRNs", exact=True).click()
    page.get_by_role("link", name="New", exact=True).click()
    service_row, script_row = page.locator("#field-destination_service"), page.locator("#field-destination_script")
    expect(service_row).to_be_hidden()
    page.get_by_label("Destination", exact=True).select_option(label="Service")
    expect(service_row).to_be_visible()
    expect(script_row).to_be_hidden()
    expect(page.locator("#field-destination_device")).to_be_hidden()
    page.get_by_label("Destination", exact=True).select_option(label="Call control script")
    expect(script_row).to_be_visible()
    expect(service_row).to_be_hidden()


def test_service_groups_are_ordered_with_the_up_and_down_buttons(live_server, admin_user):
    """Ticking groups numbers them in row order; moving a row renumbers; the service keeps that order."""
    for name in ("Billing", "Sales", "Support"):
        Group.objects.create(name=name)
    with director_page(live_server.url) as page:
        page.goto(live_server.url + reverse("director:services_create"))
        page.get_by_label("Name", exact=True).fill("Stock trades")
        for name in ("Billing", "Sales", "Support"):
            page.get_by_label(name, exact=True).check()
        expect(page.get_by_label("Position of Billing")).to_have_value("1")
        page.get_by_role("button", name="Move Support up").click()
        page.get_by_role("button", name="Move Support up").click()
        expect(page.get_by_label("Position of Support")).to_have_value("1")
        expect(page.get_by_label("Position of Billing")).to_have_value("2")
        page.get_by_label("Sales", exact=True).uncheck()
        expect(page.get_by_label("Position of Sales")).to_have_value("")
        page.get_by_role("button", name="Create", exact=True).click()
        expect(page.get_by_role("cell", name="Stock trades")).to_be_visible()
    service = Service.objects.get(name="Stock trades")
    assert [row.group.name for row in service.service_groups.order_by("position")] == ["Support", "Billing"]
