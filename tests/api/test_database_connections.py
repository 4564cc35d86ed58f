"""/api/database-connections/: the password is write-only, encrypted at rest and never returned."""

import pytest

from scripts_app.models import DatabaseConnection

pytestmark = pytest.mark.django_db
URL = "/api/database-connections/"
SECRET = "s3cret-Pa55word"


def payload(**overrides):
    data = {
        "name": "Acct_Data",
        "dsn": "Driver={MariaDB Unicode};Server=db.example.com;Database=crm",
        "database_type": "mysql",
        "timeout": 20,
        "simultaneous_connections": 3,
        "username": "ccweb",
        "password": SECRET,
    }
    return data | overrides


def test_create_stores_ciphertext_and_never_returns_the_password(api):
    """The created row holds ciphertext that decrypts to the password; no response shows either."""
    response = api.post(URL, payload(), format="json")
    assert response.status_code == 201, response.content
    connection = DatabaseConnection.objects.get(name="Acct_Data")
    assert connection.password_encrypted and SECRET not in connection.password_encrypted
    assert connection.get_password() == SECRET
    for body in (response, api.get(URL), api.get(f"{URL}{connection.pk}/")):
        text = body.content.decode()
        assert SECRET not in text and connection.password_encrypted not in text
        assert '"password' not in text  # neither password nor password_encrypted keys
    assert response.json()["has_password"] is True
    assert response.json()["dsn"].startswith("Driver=")


def test_update_keeps_replaces_or_clears_the_password(api):
    """Omitted or empty password keeps the stored one; a new one replaces it; clear_password forgets it."""
    pk = api.post(URL, payload(), format="json").json()["id"]
    detail = f"{URL}{pk}/"
    assert api.patch(detail, {"timeout": 45}, format="json").status_code == 200
    assert api.put(detail, payload(password="", timeout=50), format="json").status_code == 200
    connection = DatabaseConnection.objects.get(pk=pk)
    assert connection.get_password() == SECRET and connection.timeout == 50
    api.patch(detail, {"password": "new-one"}, format="json")
    assert DatabaseConnection.objects.get(pk=pk).get_password() == "new-one"
    response = api.patch(detail, {"clear_password": True}, format="json")
    assert response.json()["has_password"] is False
    assert DatabaseConnection.objects.get(pk=pk).password_encrypted == ""


def test_delete(api):
    """DELETE removes the connection."""
    pk = api.post(URL, payload(), format="json").json()["id"]
    assert api.delete(f"{URL}{pk}/").status_code == 204
    assert not DatabaseConnection.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [("simultaneous_connections", 0), ("timeout", -5), ("timeout", 0)],
)
def test_out_of_range_numbers_are_field_errors_and_nothing_is_saved(api, field, value):
    """Simultaneous Connections 0 and a zero or negative Timeout -> 400 on that field, no row."""
    response = api.post(URL, payload(**{field: value}), format="json")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == [field]
    assert not DatabaseConnection.objects.exists()


def test_dsn_is_labelled_odbc_dsn(api):
    """The OPTIONS metadata labels dsn "ODBC DSN" and marks the password write-only (absent from reads)."""
    fields = api.options(URL).json()["actions"]["POST"]
    assert fields["dsn"]["label"] == "ODBC DSN"
    assert fields["has_password"]["read_only"] is True
    assert "password_encrypted" not in fields
