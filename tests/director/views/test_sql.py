"""Query Tester and Test connection in the Director, against a real SQLite database over ODBC."""

import sqlite3

import pytest
from django.urls import reverse

from core.services import service_for
from scripts_app.models import DatabaseConnection

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


@pytest.fixture
def crm(sqlite_crm):
    return sqlite_crm


def test_query_tester_shows_bound_statement_values_rows_and_profile(staff_client, crm):
    response = staff_client.post(
        reverse("director:query_tester"),
        {
            "connection": crm.pk,
            "statement": 'SELECT customer_type AS "Customer Name" FROM customers WHERE phone = %ANI%',
            "profile": "ANI=+15551230002\nCaller Name=x'); DROP TABLE customers; --",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "SELECT customer_type AS &quot;Customer Name&quot; FROM customers WHERE phone = ?" in html
    assert "+15551230002" in html and "Bonds" in html
    assert "1 row returned" in html
    assert "Call profile after this statement" in html


def test_query_tester_shows_validation_errors_with_their_ids(staff_client, crm):
    response = staff_client.post(
        reverse("director:query_tester"),
        {"connection": crm.pk, "statement": "DELETE FROM customers", "select_only": "on"},
    )
    html = response.content.decode()
    assert "sql.E002" in html
    with sqlite3.connect(crm.dsn.split("Database=")[1]) as db:
        assert db.execute("SELECT COUNT(*) FROM customers").fetchone() == (1,)


def test_query_tester_is_in_the_navigation(staff_client):
    html = staff_client.get(reverse("director:query_tester")).content.decode()
    assert "Query Tester" in html and "External Interfaces" in html


def test_test_connection_shows_driver_and_server_versions(staff_client, crm):
    html = staff_client.post(reverse("director:database_connection_test", args=[crm.pk])).content.decode()
    assert "Connected in" in html and "sqlite3odbc" in html.lower() and "SQLite" in html


def test_test_connection_shows_the_drivers_error(staff_client):
    broken = service_for(DatabaseConnection).create(
        data={"name": "Nowhere", "dsn": "NoSuchDsnAnywhere", "database_type": "other", "timeout": 2}
    )
    html = staff_client.post(reverse("director:database_connection_test", args=[broken.pk])).content.decode()
    assert "Unknown_dsn" in html or "unknown_dsn" in html.lower()
    assert "NoSuchDsnAnywhere" in html or "Data source name not found" in html
