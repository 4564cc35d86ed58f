"""POST /api/database-connections/{id}/test/ and /query/: the Director's tools for integrators."""

import pytest

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


@pytest.fixture
def crm(sqlite_crm):
    return sqlite_crm


@pytest.fixture
def api(client, admin_user):
    client.force_login(admin_user)
    return client


def test_query_returns_bound_statement_rows_and_profile_updates(api, crm):
    response = api.post(
        f"/api/database-connections/{crm.pk}/query/",
        {
            "statement": "SELECT customer_type, balance FROM customers WHERE phone = %ANI%",
            "profile": {"ANI": "+15551230002"},
        },
        content_type="application/json",
    )
    body = response.json()
    assert response.status_code == 200 and body["ok"], body
    assert body["result"]["sql"].endswith("WHERE phone = ?") and body["result"]["params"] == ["+15551230002"]
    assert body["result"]["rows"] == [["Bonds", "880.00"]]


def test_query_reports_a_typed_error(api, crm):
    body = api.post(
        f"/api/database-connections/{crm.pk}/query/",
        {"statement": "SELECT * FROM customers WHERE phone = %Custmer Number%"},
        content_type="application/json",
    ).json()
    assert body["ok"] is False and body["error"]["kind"] == "validation"
    assert body["error"]["issues"][0]["id"] == "sql.E003"
    assert "Customer Number" in body["error"]["issues"][0]["message"]


def test_test_connection_reports_versions(api, crm):
    body = api.post(f"/api/database-connections/{crm.pk}/test/").json()
    assert body["ok"] and body["info"]["dbms_name"] == "SQLite"


def test_unicode_parameters_is_part_of_the_resource(api, crm):
    assert api.get(f"/api/database-connections/{crm.pk}/").json()["unicode_parameters"] is False
