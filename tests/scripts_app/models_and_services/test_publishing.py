"""Publishing: refused while the draft has errors, else a numbered frozen version made current; rollback."""

import pytest
from django.core.exceptions import ValidationError

from scripts_app.models import ScriptVersion
from scripts_app.services.scripts import script_publish, script_rollback, script_save_draft
from tests.factories import DatabaseConnectionFactory
from tests.scripts_app.models_and_services import graphs

pytestmark = pytest.mark.django_db


def _refusal(fn) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as info:
        fn()
    return info.value.message_dict


@pytest.fixture
def script():
    return script_save_draft(data={"name": "Welcome", "graph": graphs.greeting()})


def test_publishing_a_draft_with_errors_is_refused_with_each_error_id(admin_user):
    """ValidationError on "graph", one entry per error naming its id and message; no version is made."""
    broken = script_save_draft(data={"name": "Broken", "graph": graphs.unknown_action()})
    errors = _refusal(lambda: script_publish(script=broken, user=admin_user))
    assert list(errors) == ["graph"]
    assert len(errors["graph"]) == 1 and errors["graph"][0].startswith("scripts.E003")
    assert "fly_to_moon" in errors["graph"][0]
    broken.refresh_from_db()
    assert broken.current_version is None and not ScriptVersion.objects.exists()


def test_refused_then_accepted_after_the_fix(admin_user):
    """Fix the draft, publish again: version 1, current, frozen with who, when and the comment."""
    script = script_save_draft(data={"name": "Broken", "graph": graphs.unknown_action()})
    _refusal(lambda: script_publish(script=script))
    script = script_save_draft(script=script, data={"graph": graphs.greeting()})
    version = script_publish(script=script, user=admin_user, comment="first")
    script.refresh_from_db()
    assert (version.number, version.comment, version.published_by) == (1, "first", admin_user)
    assert version.graph == graphs.greeting() and version.published_at is not None
    assert script.current_version == version


def test_versions_are_numbered_per_script(script):
    """Each publish adds the next number (1, 2, 3); another script starts its own count at 1."""
    numbers = [script_publish(script=script).number for _ in range(3)]
    other = script_save_draft(data={"name": "Other", "graph": graphs.greeting()})
    assert numbers == [1, 2, 3]
    assert script_publish(script=other).number == 1
    assert list(script.versions.values_list("number", flat=True)) == [3, 2, 1]  # history: newest first


def test_a_version_is_frozen_when_the_draft_changes(script):
    """Editing the draft after publishing changes neither the version nor which version is current."""
    v1 = script_publish(script=script)
    script_save_draft(script=script, data={"graph": graphs.two_steps()})
    v1.refresh_from_db()
    script.refresh_from_db()
    assert v1.graph == graphs.greeting() and script.current_version == v1


def test_publish_validates_against_todays_configuration(script):
    """A draft that was valid when saved is refused once its Database Connection is deleted (scripts.E012)."""
    connection = DatabaseConnectionFactory(name="CRM")
    script = script_save_draft(script=script, data={"graph": graphs.uses_connection("CRM")})
    assert script.draft_errors == []
    connection.delete()
    errors = _refusal(lambda: script_publish(script=script))
    assert errors["graph"][0].startswith("scripts.E012")
    script.refresh_from_db()
    assert [e["id"] for e in script.draft_errors] == ["scripts.E012"]  # the refusal refreshed the list


def test_anonymous_publisher_is_recorded_as_nobody(script):
    """No user (a management command) or an anonymous user: published_by stays empty."""
    from django.contrib.auth.models import AnonymousUser

    assert script_publish(script=script, user=AnonymousUser()).published_by is None


def test_rollback_publishes_a_copy_of_the_older_version(script, admin_user):
    """v1, v2 -> rollback to v1 makes v3 (v1's graph, "rollback of v1") current; the draft is untouched."""
    script_publish(script=script)
    script = script_save_draft(script=script, data={"graph": graphs.two_steps()})
    script_publish(script=script)
    v3 = script_rollback(script=script, version=1, user=admin_user, comment="v2 misroutes")
    script.refresh_from_db()
    assert (v3.number, v3.graph, v3.published_by) == (3, graphs.greeting(), admin_user)
    assert v3.comment == "rollback of v1: v2 misroutes"
    assert script.current_version == v3
    assert script.graph == graphs.two_steps()


def test_rollback_to_an_unknown_or_the_current_version_is_refused(script):
    """Version numbers that do not exist, or the one in force, are errors on "version"."""
    script_publish(script=script)
    assert "no version 7" in _refusal(lambda: script_rollback(script=script, version=7))["version"][0]
    assert "already the current version" in _refusal(lambda: script_rollback(script=script, version=1))["version"][0]


def test_rollback_to_a_version_that_no_longer_validates_is_refused():
    """A version using a since-deleted Database Connection cannot be put back in force."""
    connection = DatabaseConnectionFactory(name="CRM")
    script = script_save_draft(data={"name": "Lookup", "graph": graphs.uses_connection("CRM")})
    script_publish(script=script)
    script = script_save_draft(script=script, data={"graph": graphs.greeting()})
    script_publish(script=script)
    connection.delete()
    errors = _refusal(lambda: script_rollback(script=script, version=1))
    assert "does not validate" in errors["version"][0]
    assert errors["graph"][0].startswith("scripts.E012")
    assert script.versions.count() == 2


def test_a_long_comment_is_refused(script):
    """The comment is at most 255 characters."""
    assert "comment" in _refusal(lambda: script_publish(script=script, comment="x" * 300))
