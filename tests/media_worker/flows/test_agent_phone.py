"""Where the child sends an agent's leg: static URIs as they are, registered users through the front."""

import pytest

from media_worker.flows.agent_phone import agent_dial_uri


@pytest.mark.parametrize("uri", ["sip:1001@pbx.example.com", "sip:agent@10.0.0.5:5070;transport=tcp"])
def test_a_static_sip_uri_is_dialled_as_it_stands(uri, settings):
    settings.SIP_FRONT_ADDRESS = "10.0.0.1:5060"
    assert agent_dial_uri(f" {uri} ") == uri


def test_a_registered_user_goes_to_the_front_marked_as_an_agent_leg(settings):
    """The mark tells the front to look the extension up instead of routing it into the pool as a number."""
    settings.SIP_FRONT_ADDRESS = "10.0.0.1:5060"
    assert agent_dial_uri("1001") == "sip:1001@10.0.0.1:5060;ccweb=agent-leg"
    assert agent_dial_uri("1001", front="sip:127.0.0.1:5070") == "sip:1001@127.0.0.1:5070;ccweb=agent-leg"
