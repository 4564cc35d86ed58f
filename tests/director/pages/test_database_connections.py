"""System Parameters > External Interfaces > Database Connections: the guide's fields; the password never leaves."""

import pytest
from django.urls import reverse

from scripts_app.models import DatabaseConnection
from tests.director.factories import DatabaseConnectionFactory
from tests.director.html import field_error, text_of_id

pytestmark = pytest.mark.django_db

SECRET = "Pa55-w0rd!secret"
LIST_URL = reverse("director:database_connections_list")
CREATE_URL = reverse("director:database_connections_create")


def _form_data(**overrides):
    data = {
        "name": "Acct_Data",
        "dsn": "crm",
        "database_type": "mysql",
        "timeout": "30",
        "username": "ccuser",
        "password": SECRET,
        "simultaneous_connections": "4",
    }
    return data | overrides


def _edit_url(connection):
    return reverse("director:database_connections_update", args=[connection.pk])


def test_form_has_the_guide_labels_in_the_guide_order(staff_client):
    html = staff_client.get(CREATE_URL).content.decode()
    labels = ["Name", "ODBC DSN", "Database Type", "Timeout", "Username", "Password", "Simultaneous Connections"]
    positions = [html.index(f'">{label}</label>') for label in labels]
    assert positions == sorted(positions)
    assert 'type="password"' in html


def test_create_stores_the_password_encrypted(staff_client):
    """The stored value is ciphertext that decrypts back to what was typed."""
    response = staff_client.post(CREATE_URL, _form_data(), follow=True)
    assert response.status_code == 200
    connection = DatabaseConnection.objects.get(name="Acct_Data")
    assert connection.password_encrypted and connection.password_encrypted != SECRET
    assert SECRET not in connection.password_encrypted
    assert connection.get_password() == SECRET
    assert (connection.dsn, connection.database_type, connection.timeout) == ("crm", "mysql", 30)
    assert (connection.username, connection.simultaneous_connections) == ("ccuser", 4)


def test_password_never_appears_in_any_response(staff_client):
    """Not after creating, not in the list, the edit page, a failed edit or the delete page; nor its ciphertext."""
    responses = [staff_client.post(CREATE_URL, _form_data(), follow=True)]
    connection = DatabaseConnection.objects.get(name="Acct_Data")
    responses += [
        staff_client.get(LIST_URL),
        staff_client.get(_edit_url(connection)),
        staff_client.post(_edit_url(connection), _form_data(timeout="-1")),
        staff_client.post(CREATE_URL, _form_data(name="Other", simultaneous_connections="0")),
        staff_client.get(reverse("director:database_connections_delete", args=[connection.pk])),
        staff_client.get(reverse("director:home")),
    ]
    for response in responses:
        html = response.content.decode()
        assert SECRET not in html
        assert connection.password_encrypted not in html


def test_list_says_whether_a_password_is_stored(staff_client):
    with_password = DatabaseConnectionFactory(name="With", password=SECRET)
    DatabaseConnectionFactory(name="Without")
    html = staff_client.get(LIST_URL).content.decode()
    assert "Password stored" in html
    rows = html.split("<tr>")
    assert '<span class="flag flag-yes">Yes</span>' in next(r for r in rows if ">With<" in r)
    assert '<span class="flag flag-no">No</span>' in next(r for r in rows if ">Without<" in r)
    assert with_password.password_encrypted not in html


def test_edit_with_an_empty_password_keeps_the_stored_one(staff_client):
    connection = DatabaseConnectionFactory(name="Acct_Data", password=SECRET)
    staff_client.post(_edit_url(connection), _form_data(password="", timeout="45"))
    connection.refresh_from_db()
    assert connection.timeout == 45
    assert connection.get_password() == SECRET


def test_edit_with_a_new_password_replaces_it(staff_client):
    connection = DatabaseConnectionFactory(name="Acct_Data", password=SECRET)
    staff_client.post(_edit_url(connection), _form_data(password="n3w-one"))
    connection.refresh_from_db()
    assert connection.get_password() == "n3w-one"


def test_clear_stored_password_forgets_it(staff_client):
    connection = DatabaseConnectionFactory(name="Acct_Data", password=SECRET)
    html = staff_client.get(_edit_url(connection)).content.decode()
    assert "Clear stored password" in html
    staff_client.post(_edit_url(connection), _form_data(password="", clear_password="on"))
    connection.refresh_from_db()
    assert connection.password_encrypted == ""


def test_create_form_has_no_clear_password_box(staff_client):
    assert "Clear stored password" not in staff_client.get(CREATE_URL).content.decode()


def test_zero_simultaneous_connections_is_refused_beside_the_field(staff_client):
    response = staff_client.post(CREATE_URL, _form_data(simultaneous_connections="0"))
    assert field_error(response, "simultaneous_connections") == "Simultaneous Connections must be at least 1."
    assert not DatabaseConnection.objects.exists()


def test_negative_timeout_is_refused_beside_the_field(staff_client):
    response = staff_client.post(CREATE_URL, _form_data(timeout="-5"))
    assert field_error(response, "timeout") == "Timeout must be at least 1 second."
    assert not DatabaseConnection.objects.exists()
    assert text_of_id(response.content, "id_password_errors") is None


def test_failed_edit_changes_nothing(staff_client):
    connection = DatabaseConnectionFactory(name="Acct_Data", password=SECRET)
    response = staff_client.post(_edit_url(connection), _form_data(password="changed", timeout="0"))
    assert field_error(response, "timeout")
    connection.refresh_from_db()
    assert connection.timeout == 30
    assert connection.get_password() == SECRET


def test_delete(staff_client):
    connection = DatabaseConnectionFactory()
    staff_client.post(reverse("director:database_connections_delete", args=[connection.pk]))
    assert not DatabaseConnection.objects.exists()
