"""`manage.py sip_front` without Kamailio: bad settings are a CommandError that names the variable."""

import os

import pytest
import redis
from django.core.management import CommandError, call_command

from acd.services.sip_credentials import generate_sip_password, ha1, ha1_key
from sip_front import config as sipfront
from tests.factories import AgentFactory


def test_manage_py_sip_front_reports_bad_settings(tmp_path, settings, monkeypatch):
    settings.VAR_DIR = tmp_path
    monkeypatch.setenv("CCWEB_SIP_PORT", "sip")

    with pytest.raises(CommandError, match="CCWEB_SIP_PORT"):
        call_command("sip_front", "--check")


@pytest.mark.django_db
def test_print_uses_the_web_processes_realm_key_and_secret(tmp_path, settings, capsys):
    """The front checks what the web process makes: same realm, same Redis hash, same browser secret."""
    settings.VAR_DIR = tmp_path
    settings.SIP_REALM, settings.SIP_WEB_SECRET = "pbx.example.com", "the-shared-secret"
    call_command("sip_front", "--print")
    out = capsys.readouterr().out
    assert '#!define CCWEB_SIP_REALM "pbx.example.com"' in out
    assert f'#!define CCWEB_HA1_KEY "{settings.ACD_REDIS_PREFIX}sip:ha1"' in out
    assert '#!define CCWEB_WEB_SECRET "the-shared-secret"' in out


@pytest.mark.django_db
def test_starting_the_front_publishes_every_agent_phones_credentials_first(tmp_path, settings, monkeypatch):
    """A full resync before Kamailio starts: passwords changed while the front was down are current."""
    settings.VAR_DIR = tmp_path
    monkeypatch.delenv("CCWEB_SIP_RUNTIME_DIR", raising=False)
    agent = AgentFactory(extension="1001")
    password = generate_sip_password(agent=agent)  # no commit in this test: nothing published yet
    client = redis.Redis.from_url(settings.REDIS_URL)
    client.delete(ha1_key())
    started: list[list[str]] = []
    monkeypatch.setattr(sipfront, "kamailio_binary", lambda: "/usr/sbin/kamailio")
    monkeypatch.setattr(os, "execv", lambda binary, args: started.append(args))

    call_command("sip_front")

    assert client.hget(ha1_key(), "1001").decode() == ha1("1001", settings.SIP_REALM, password)
    assert started and started[0][:3] == ["/usr/sbin/kamailio", "-DD", "-E"]
    client.delete(ha1_key())


def test_rtpengine_print_shows_the_command_line(capsys, monkeypatch):
    monkeypatch.setenv("CCWEB_RTP_PORT_MIN", "30000")
    monkeypatch.setenv("CCWEB_RTP_PORT_MAX", "30999")
    call_command("rtpengine", "--print")
    out = capsys.readouterr().out
    assert "--dtls-passive" in out and "--port-min=30000 --port-max=30999" in out and "--table=-1" in out
