"""The X-STCC headers of an outbound leg, without SIP: one clean line per exported field with a value."""

from media_worker.flows.stcc_headers import agent_headers


def test_exported_fields_become_one_line_x_stcc_headers():
    profile = {"Customer Number": "42", "Customer Name": "Ann\r\nInjected: 1", "Empty": " ", "Hidden": "x"}
    headers = agent_headers(profile, ["Customer Number", "Customer Name", "Empty", "Missing"])
    assert headers == {"X-STCC-Customer-Number": "42", "X-STCC-Customer-Name": "Ann Injected: 1"}


def test_the_caller_identity_cannot_change_the_header_structure():
    from media_worker.flows.stcc_headers import caller_identity

    profile = {"ANI": "+1 555;x=<y>", "Caller Name": 'Ann "A" \\ B\r\nVia: evil'}
    identity = caller_identity(profile, "sip:1001@pbx.example.com:5060;transport=tcp")
    assert identity == '"Ann \\"A\\" \\\\ B Via: evil" <sip:+1%20555%3Bx=%3Cy%3E@pbx.example.com:5060>'
    assert caller_identity({}, "sip:1001@h") == "<sip:anonymous@h>"
