"""Form layout helpers: fieldsets never lose a field; the model's own minimum and message are used."""

import pytest
from django import forms

from director.forms.base import DirectorModelForm
from director.forms.database_connections import DatabaseConnectionForm
from scripts_app.models import DatabaseConnection


class _Partial(DirectorModelForm):
    fieldsets = [("Where", ["dsn"])]
    extra = forms.CharField(required=False)

    class Meta:
        model = DatabaseConnection
        fields = ["name", "dsn"]


def test_fields_missing_from_fieldsets_still_render_at_the_end():
    layout = [(legend, [bf.name for bf in fields]) for legend, fields in _Partial().fieldset_list()]
    assert layout == [("Where", ["dsn"]), ("", ["name", "extra"])]


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["0", "-3"])
def test_model_minimum_and_message_apply_in_the_form(value):
    """Timeout below 1 says the model's sentence, not the generic 'greater than or equal to 0'."""
    form = DatabaseConnectionForm(
        data={"name": "x", "dsn": "crm", "database_type": "mysql", "timeout": value, "simultaneous_connections": "1"}
    )
    assert form.errors["timeout"] == ["Timeout must be at least 1 second."]
    assert 'min="1"' in str(form["timeout"])
