"""The screen pop: exported fields with values, the CRM link with URL-encoded values, template checks."""

import pytest

from calls.screen_pop import expand_url, screen_pop, url_template_errors

FIELDS = {"ANI", "Customer Number", "Caller Name"}


def test_values_are_url_encoded_never_part_of_the_url_structure():
    template = "https://crm.example.com/c?id=%Customer Number%&name=%Caller Name%&pct=100%25"
    profile = {"Customer Number": "42&admin=1", "Caller Name": 'Ann "A" <x>/..'}
    assert expand_url(template, profile) == (
        "https://crm.example.com/c?id=42%26admin%3D1&name=Ann%20%22A%22%20%3Cx%3E%2F..&pct=100%25"
    )


def test_template_errors_name_the_unknown_field_and_refuse_other_schemes():
    assert url_template_errors("https://crm/x?id=%Customer Number%", FIELDS) == []
    assert url_template_errors("https://crm/x?id=%Acount%", FIELDS) == ["Unknown call profile field 'Acount'."]
    assert url_template_errors("javascript:alert(%ANI%)", FIELDS) == [
        "A screen-pop URL starts with http:// or https://."
    ]
    assert url_template_errors("", FIELDS) == []


def test_the_pop_carries_the_exported_fields_with_a_value_in_order():
    pop = screen_pop(
        call_id="c1",
        agent="1001",
        service="Sales",
        profile={"ANI": "+15551234", "Customer Number": "", "Caller Name": "Ann"},
        exported=["Caller Name", "Customer Number", "ANI"],
        url_template="https://crm/x?ani=%ANI%",
        waited_s=12.345,
    )
    assert pop["fields"] == [{"name": "Caller Name", "value": "Ann"}, {"name": "ANI", "value": "+15551234"}]
    assert pop["url"] == "https://crm/x?ani=%2B15551234" and pop["waited_s"] == 12.3


@pytest.mark.django_db
def test_a_service_with_an_unknown_field_in_its_screen_pop_url_is_refused_with_the_name():
    from django.core.exceptions import ValidationError

    from acd.models import Service
    from core.services import service_for

    with pytest.raises(ValidationError) as refused:
        service_for(Service).create(data={"name": "Sales", "screen_pop_url": "https://crm/x?id=%Custmer Number%"})
    assert refused.value.message_dict["screen_pop_url"] == ["Unknown call profile field 'Custmer Number'."]
    saved = service_for(Service).create(data={"name": "Sales", "screen_pop_url": "https://crm/x?id=%Customer Number%"})
    assert saved.screen_pop_url.endswith("%Customer Number%")
