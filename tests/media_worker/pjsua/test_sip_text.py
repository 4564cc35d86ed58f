"""media_worker.pjsua.sip_text: the INVITE's own text where pjsua2's view falls short (pure)."""

from media_worker.pjsua.sip_text import header_fields, name_addr, request_uri

INVITE = (
    "INVITE sip:5100@10.0.0.5:5081 SIP/2.0\r\n"
    "Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK1\r\n"
    'f: "' + "A" * 300 + '" <sip:+15551234567@10.0.0.1>;tag=abc\r\n'
    "To: <sip:5100@10.0.0.5>\r\n"
    "Call-ID: " + "x" * 200 + "@host\r\n"
    "Via: SIP/2.0/UDP 10.0.0.9:5060;branch=z9hG4bK2\r\n"
    "Content-Length: 0\r\n\r\n"
)


def test_request_uri_and_headers_first_occurrence_lower_case_names():
    assert request_uri(INVITE) == "sip:5100@10.0.0.5:5081"
    headers = dict(header_fields(INVITE))
    assert headers["via"].endswith("branch=z9hG4bK1")  # the first Via, not the second
    assert headers["call-id"] == "x" * 200 + "@host"  # whole: pjsua2 would cut it to 128
    assert request_uri("garbage") == ""


def test_name_addr_drops_header_parameters_only():
    assert name_addr(dict(header_fields(INVITE))["f"]) == '"' + "A" * 300 + '" <sip:+15551234567@10.0.0.1>'
    assert name_addr("<sip:1@h;user=phone>;tag=x") == "<sip:1@h;user=phone>"
    assert name_addr("sip:1@h;tag=x") == "sip:1@h"
