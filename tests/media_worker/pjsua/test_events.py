"""media_worker.pjsua.events: what an incoming call's URIs say (pure)."""

from media_worker.pjsua.events import IncomingCall, display_name, uri_user


def test_uri_helpers_read_user_and_display_name():
    """The profile's ANI/DNIS come from URI user parts; the Caller Name from the display name."""
    assert uri_user('"Bob" <sip:+15551234567@10.0.0.1:5060;transport=udp>') == "+15551234567"
    assert uri_user("sip:1000@host") == "1000"
    assert uri_user("sip:host") == ""
    assert display_name('"Bob Smith" <sip:1@h>') == "Bob Smith"
    assert display_name("sip:1@h") == ""
    assert IncomingCall(1, "sip:2@h", "sip:1000@h", request_uri="sip:1001@h").dialed_number == "1001"
