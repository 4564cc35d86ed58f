"""Database connections: guide fields, limits, and passwords encrypted at rest."""

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings

from core.crypto import SecretUnreadable
from core.services import service_for
from scripts_app.models import DatabaseConnection

pytestmark = pytest.mark.django_db
BASE = {
    "name": "Acct_Data",
    "dsn": "crm",
    "database_type": "mysql",
    "timeout": 30,
    "username": "cc",
    "simultaneous_connections": 4,
}


def test_password_is_ciphertext_at_rest_and_decrypts():
    conn = service_for(DatabaseConnection).create(data={**BASE, "password": "S3cret-pw!"})
    stored = DatabaseConnection.objects.values_list("password_encrypted", flat=True).get()
    assert "S3cret-pw!" not in stored and stored.startswith("gAAAA")
    assert DatabaseConnection.objects.get(pk=conn.pk).get_password() == "S3cret-pw!"


def test_empty_password_on_update_keeps_the_stored_one_and_clear_forgets_it():
    conn = service_for(DatabaseConnection).create(data={**BASE, "password": "pw"})
    service_for(DatabaseConnection).update(instance=conn, data={"timeout": 5, "password": ""})
    assert DatabaseConnection.objects.get().get_password() == "pw"
    service_for(DatabaseConnection).update(instance=conn, data={"clear_password": True})
    assert not DatabaseConnection.objects.get().has_password


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("simultaneous_connections", 0, "at least 1"),
        ("simultaneous_connections", -2, ""),
        ("timeout", -1, ""),
        ("timeout", 0, "at least 1 second"),
        ("database_type", "db2", "not a valid choice"),
        ("dsn", "", "cannot be blank"),
    ],
)
def test_bad_values_are_field_errors_and_nothing_is_saved(field, value, message):
    with pytest.raises(ValidationError) as caught:
        service_for(DatabaseConnection).create(data={**BASE, field: value})
    assert list(caught.value.message_dict) == [field]
    assert message in " ".join(caught.value.message_dict[field])
    assert not DatabaseConnection.objects.exists()


def test_duplicate_name_is_a_field_error():
    service_for(DatabaseConnection).create(data=BASE)
    with pytest.raises(ValidationError) as caught:
        service_for(DatabaseConnection).create(data=BASE)
    assert list(caught.value.message_dict) == ["name"]


def test_dsn_or_connection_string():
    assert not DatabaseConnection(dsn="crm").is_connection_string
    assert DatabaseConnection(dsn="Driver={MariaDB Unicode};Server=db").is_connection_string


def test_password_written_with_another_key_is_reported_not_garbled():
    conn = service_for(DatabaseConnection).create(data={**BASE, "password": "pw"})
    with override_settings(FIELD_ENCRYPTION_KEY="Zm9vYmFyYmF6cXV4Zm9vYmFyYmF6cXV4Zm9vYmFyYmE="):
        with pytest.raises(SecretUnreadable, match="enter it again"):
            DatabaseConnection.objects.get(pk=conn.pk).get_password()
