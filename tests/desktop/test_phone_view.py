"""/ccd/agent/phone/: the browser phone's credentials, for the signed-in agent's own extension only."""

from datetime import datetime

import pytest

from acd.services.sip_credentials import ephemeral_password
from tests.factories import AgentFactory

pytestmark = pytest.mark.django_db
URL = "/ccd/agent/phone/"


@pytest.fixture
def agent_client(client, role_user):
    def make(extension: str):
        user = role_user("agent", "ada")
        AgentFactory(number="1001", name="Ada Lovelace", extension=extension, user=user)
        client.force_login(user)
        return client

    return make


def test_a_registered_extension_gets_ephemeral_credentials_the_front_accepts(agent_client, settings):
    settings.SIP_WS_PORT, settings.SIP_WS_URL, settings.SIP_DOMAIN = 5066, "", "pbx.example.com"
    response = agent_client("1001").get(URL, HTTP_HOST="cc.example.com:3000")
    assert response.status_code == 200
    assert "no-cache" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
    phone = response.json()
    assert phone["enabled"] is True and phone["extension"] == "1001"
    assert phone["ws_url"] == "ws://cc.example.com:5066"  # the host the browser reached the page by
    assert phone["uri"] == "sip:1001@pbx.example.com"
    expiry, extension = phone["authorization_user"].split(":")
    assert extension == "1001" and datetime.fromisoformat(phone["expires_at"]).timestamp() == int(expiry)
    assert phone["password"] == ephemeral_password(settings.SIP_WEB_SECRET, phone["authorization_user"])


def test_behind_a_tls_proxy_the_configured_wss_url_is_used(agent_client, settings):
    settings.SIP_WS_URL = "wss://cc.example.com/sip"
    assert agent_client("1001").get(URL).json()["ws_url"] == "wss://cc.example.com/sip"


def test_a_static_sip_uri_extension_has_no_browser_phone_and_says_why(agent_client):
    phone = agent_client("sip:1001@desk.example.com").get(URL).json()
    assert phone == {
        "enabled": False,
        "reason": "Your extension is a SIP address (sip:1001@desk.example.com): calls ring that phone. The browser "
        "phone needs a registered extension such as 1001; an administrator sets it in Configuration > Agents.",
    }


def test_browser_phones_switched_off(agent_client, settings):
    settings.SIP_WS_PORT, settings.SIP_WS_URL = 0, ""
    phone = agent_client("1001").get(URL).json()
    assert phone["enabled"] is False and "CCWEB_SIP_WS_PORT=0" in phone["reason"]


@pytest.mark.parametrize("role", ["supervisor", "administrator"])
def test_other_roles_get_no_credentials(client, role_user, role):
    client.force_login(role_user(role))
    response = client.get(URL)
    assert response.status_code == 403 and b"password" not in response.content


def test_an_agent_user_without_an_agent_link_is_told_so(client, role_user):
    client.force_login(role_user("agent"))
    response = client.get(URL)
    assert response.status_code == 403 and "not linked to an agent" in response.content.decode()
