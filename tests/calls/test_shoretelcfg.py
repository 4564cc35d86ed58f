"""shoretelcfg.ini: user fields listed there exist and are exported; errors name the line."""

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from acd.tasks import reload_shoretelcfg
from calls import shoretelcfg
from calls.models import CallProfileField
from calls.shoretelcfg import ConfigFileError, parse_user_fields

GUIDE_EXAMPLE = "[call_profile]\nuser_fields=AccNo, Balance, DueDate\n"


@pytest.fixture(autouse=True)
def _forget_seen_files():
    shoretelcfg._last_seen.clear()


def test_parses_the_guide_example():
    assert parse_user_fields(GUIDE_EXAMPLE) == [(2, "AccNo"), (2, "Balance"), (2, "DueDate")]


def test_accepts_comments_spacing_case_and_other_sections():
    text = "; written by hand\n[General]\nlog = 1\n\n# fields\n[CALL_PROFILE]\nUser_Fields = A , B\n"
    assert parse_user_fields(text) == [(7, "A"), (7, "B")]


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("user_fields=A\n", 1, "must come after a [section] header"),
        ("[call_profile\nuser_fields=A\n", 1, "section header must look like [name]"),
        ("[call_profile]\n\njust words\n", 3, "expected key=value"),
        ("[call_profile]\n=A\n", 2, "key before '=' is empty"),
        ("[call_profile]\nuser_fields=A\nuser_fields=B\n", 3, "already set in [call_profile] on line 2"),
        ("[call_profile]\nuser_fields=A,,B\n", 2, "empty name between commas"),
        ("[call_profile]\nuser_fields=A, B, A\n", 2, "listed twice"),
    ],
)
def test_malformed_files_name_the_line(text, line, message):
    with pytest.raises(ConfigFileError) as caught:
        parse_user_fields(text, "shoretelcfg.ini")
    assert caught.value.line == line
    assert message in str(caught.value)
    assert f"shoretelcfg.ini, line {line}:" in str(caught.value)


@pytest.mark.django_db
def test_import_command_creates_exported_fields_and_reports(tmp_path, capsys):
    path = tmp_path / "shoretelcfg.ini"
    path.write_text(GUIDE_EXAMPLE)
    call_command("import_shoretelcfg", str(path))
    out = capsys.readouterr().out
    assert "created user field AccNo (_STCC_AccNo)" in out
    fields = {f.name: f for f in CallProfileField.objects.filter(name__in=["AccNo", "Balance", "DueDate"])}
    assert {f.tapi_property for f in fields.values()} == {"_STCC_AccNo", "_STCC_Balance", "_STCC_DueDate"}
    assert all(f.exported and f.kind == "user" for f in fields.values())
    call_command("import_shoretelcfg", str(path))
    assert "no changes" in capsys.readouterr().out


@pytest.mark.django_db
def test_import_exports_an_existing_unexported_user_field(tmp_path, capsys):
    CallProfileField.objects.create(name="Balance", tapi_property="_STCC_Balance", kind="user", exported=False)
    path = tmp_path / "shoretelcfg.ini"
    path.write_text(GUIDE_EXAMPLE)
    call_command("import_shoretelcfg", str(path))
    assert "user field Balance is now exported" in capsys.readouterr().out
    assert CallProfileField.objects.get(name="Balance").exported


@pytest.mark.django_db
def test_invalid_field_name_fails_whole_file_naming_the_line(tmp_path):
    path = tmp_path / "shoretelcfg.ini"
    path.write_text("[call_profile]\n; account data\nuser_fields=AccNo, ani\n")
    with pytest.raises(CommandError, match=r"line 3: user field 'ani': 'ani' collides with the mandatory field 'ANI'"):
        call_command("import_shoretelcfg", str(path))
    assert not CallProfileField.objects.filter(name="AccNo").exists()


@pytest.mark.django_db
def test_not_utf8_is_reported_with_its_line(tmp_path):
    path = tmp_path / "shoretelcfg.ini"
    path.write_bytes(b"[call_profile]\nuser_fields=Caf\xe9\n")
    with pytest.raises(CommandError, match="line 2: the file is not UTF-8"):
        call_command("import_shoretelcfg", str(path))


@pytest.mark.django_db
def test_scheduled_reload_picks_up_changes_without_restart():
    """The beat task applies the file in CCWEB_CONFIG_DIR, and applies it again when it changes."""
    config_dir = settings.CCWEB_CONFIG_DIR
    config_dir.mkdir(parents=True)
    (config_dir / "shoretelcfg.ini").write_text("[call_profile]\nuser_fields=AccNo\n")
    reload_shoretelcfg.apply()
    assert CallProfileField.objects.filter(name="AccNo", exported=True).exists()
    (config_dir / "shoretelcfg.ini").write_text("[call_profile]\nuser_fields=AccNo, Balance\n")
    reload_shoretelcfg.apply()
    assert CallProfileField.objects.filter(name="Balance", exported=True).exists()


@pytest.mark.django_db
def test_reload_logs_a_malformed_file_and_changes_nothing(caplog):
    config_dir = settings.CCWEB_CONFIG_DIR
    config_dir.mkdir(parents=True)
    (config_dir / "shoretelcfg.ini").write_text("user_fields=AccNo\n")
    assert shoretelcfg.reload_if_changed() is None
    assert "line 1: a key=value line must come after a [section] header" in caplog.text
    assert not CallProfileField.objects.filter(name="AccNo").exists()


def test_beat_schedules_the_reload_task():
    from ccweb.celery import app

    app.loader.import_default_modules()
    entry = settings.CELERY_BEAT_SCHEDULE["reload-shoretelcfg"]
    assert entry["task"] in app.tasks
