"""`manage.py sip_front` without Kamailio: bad settings are a CommandError that names the variable."""

import pytest
from django.core.management import CommandError, call_command


def test_manage_py_sip_front_reports_bad_settings(tmp_path, settings, monkeypatch):
    settings.VAR_DIR = tmp_path
    monkeypatch.setenv("CCWEB_SIP_PORT", "sip")

    with pytest.raises(CommandError, match="CCWEB_SIP_PORT"):
        call_command("sip_front", "--check")
