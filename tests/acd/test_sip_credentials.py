"""Agent phones' SIP credentials: generated, stored encrypted, published as HA1s; browsers' ephemeral ones."""

import dataclasses
import hashlib
from datetime import UTC, datetime

import pytest
import redis
from django.core.exceptions import ValidationError

from acd.models import Agent
from acd.services import sip_credentials as creds
from core.crypto import decrypt_secret
from core.services import service_for
from tests.factories import AgentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(settings):
    settings.SIP_REALM = "ccweb.example"
    connection = redis.Redis.from_url(settings.REDIS_URL)
    connection.delete(creds.ha1_key())
    yield connection
    connection.delete(creds.ha1_key())


def _published(client) -> dict[str, str]:
    return {k.decode(): v.decode() for k, v in client.hgetall(creds.ha1_key()).items()}


def test_ha1_is_rfc_2617s():
    """RFC 2617 3.5's example user, realm and password."""
    assert creds.ha1("Mufasa", "testrealm@host.com", "Circle Of Life") == "939e7578ed9e3c518a452acee763bce9"


def test_the_ephemeral_password_is_kamailios_autheph_algorithm():
    """base64(HMAC-SHA1(secret, username)), checked against `openssl dgst -sha1 -hmac kamailio_rules -binary | base64`
    (the integration test has Kamailio itself accept one)."""
    assert creds.ephemeral_password("kamailio_rules", "1700000000:1001") == "tcnk6F6Etwy3ghKELgcSBeT5YMM="


def test_a_generated_password_is_strong_stored_encrypted_and_published_as_ha1(
    client, django_capture_on_commit_callbacks
):
    agent = AgentFactory(extension="1001")
    with django_capture_on_commit_callbacks(execute=True):
        password = creds.generate_sip_password(agent=agent)

    assert len(password) >= 24
    stored = Agent.objects.get(pk=agent.pk)
    assert password not in stored.sip_password and decrypt_secret(stored.sip_password) == password
    assert stored.sip_password_set_at is not None
    expected = hashlib.md5(f"1001:ccweb.example:{password}".encode()).hexdigest()
    assert _published(client) == {"1001": expected}


def test_a_new_password_replaces_the_old_one_and_clearing_removes_it(client, django_capture_on_commit_callbacks):
    agent = AgentFactory(extension="1001")
    with django_capture_on_commit_callbacks(execute=True):
        first = creds.generate_sip_password(agent=agent)
        second = creds.generate_sip_password(agent=agent)
    assert first != second
    assert _published(client) == {"1001": creds.ha1("1001", "ccweb.example", second)}

    with django_capture_on_commit_callbacks(execute=True):
        creds.clear_sip_password(agent=agent)
    assert _published(client) == {}
    assert Agent.objects.get(pk=agent.pk).sip_password == ""


@pytest.mark.django_db(transaction=True)  # real commits: the service's after-commit sync runs as in production
def test_an_agent_moved_to_a_static_uri_loses_its_published_credentials(client):
    """The HA1 table follows the extension: a static SIP URI is not a phone that registers here."""
    agent = AgentFactory(extension="1001")
    creds.generate_sip_password(agent=agent)
    assert list(_published(client)) == ["1001"]
    service_for(Agent).update(instance=agent, data={"extension": "sip:1001@pbx.example.com"})
    assert _published(client) == {}


def test_a_static_uri_agent_gets_no_password():
    agent = AgentFactory(extension="sip:1001@pbx.example.com")
    with pytest.raises(ValidationError) as caught:
        creds.generate_sip_password(agent=agent)
    assert "extension" in caught.value.message_dict
    assert Agent.objects.get(pk=agent.pk).sip_password == ""


def test_the_full_sync_rebuilds_the_hash_from_the_database(client):
    """Entries of agents gone meanwhile disappear; two agents on one extension: the lower number's password."""
    client.hset(creds.ha1_key(), mapping={"9999": "stale"})
    low = AgentFactory(number="2001", extension="1001")
    high = AgentFactory(number="2002", extension="1001")
    other = AgentFactory(number="2003", extension="1003")
    passwords = {a.number: creds.generate_sip_password(agent=a) for a in (low, high, other)}

    assert creds.sync_sip_credentials(client) == 2
    assert _published(client) == {
        "1001": creds.ha1("1001", "ccweb.example", passwords["2001"]),
        "1003": creds.ha1("1003", "ccweb.example", passwords["2003"]),
    }


def test_redis_down_is_logged_not_raised(settings, caplog, monkeypatch):
    def down(*args, **kwargs):
        raise redis.ConnectionError("connection refused")

    monkeypatch.setattr(creds, "sync_sip_credentials", down)
    creds.sync_sip_credentials_quietly()
    assert "not published" in caplog.text


@pytest.fixture
def web(settings):
    settings.SIP_DOMAIN = "pbx.example.com"
    settings.SIP_REALM = "pbx.example.com"
    settings.SIP_WS_PORT = 5066
    settings.SIP_WS_URL = ""
    settings.SIP_WEB_SECRET = "kamailio_rules"
    settings.SIP_WEB_TTL = 3600
    return settings


def test_browser_phone_gives_ephemeral_credentials_for_the_agents_extension(web):
    now = datetime(2023, 11, 14, 22, 13, 20, 500000, tzinfo=UTC)  # 1700000000.5
    phone = creds.browser_phone(AgentFactory(extension="1001"), now=now)

    assert phone == creds.BrowserPhone(
        ws_url="ws://pbx.example.com:5066",
        uri="sip:1001@pbx.example.com",
        authorization_user="1700003600:1001",
        password=creds.ephemeral_password("kamailio_rules", "1700003600:1001"),
        expires_at=datetime(2023, 11, 14, 23, 13, 20, tzinfo=UTC),
        realm="pbx.example.com",
    )
    with pytest.raises(dataclasses.FrozenInstanceError):
        phone.password = "x"  # type: ignore[misc]


def test_browser_phone_uses_the_host_the_browser_came_by_or_the_configured_url(web):
    agent = AgentFactory(extension="1001")
    assert creds.browser_phone(agent, ws_host="10.0.0.5").ws_url == "ws://10.0.0.5:5066"
    assert creds.browser_phone(agent, ws_host="::1").ws_url == "ws://[::1]:5066"
    web.SIP_WS_URL = "wss://pbx.example.com/sip"
    assert creds.browser_phone(agent, ws_host="10.0.0.5").ws_url == "wss://pbx.example.com/sip"


def test_browser_phone_refuses_a_static_uri_agent_and_a_front_without_websocket(web):
    with pytest.raises(ValidationError, match="Your extension is a SIP address"):
        creds.browser_phone(AgentFactory(extension="sip:1001@pbx.example.com"))
    web.SIP_WS_PORT = 0
    with pytest.raises(ValidationError, match="switched off"):
        creds.browser_phone(AgentFactory(extension="1002"))
