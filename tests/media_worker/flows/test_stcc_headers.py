"""The X-STCC headers of an outbound leg, without SIP: one clean line per exported field with a value."""

from media_worker.flows.stcc_headers import agent_headers


def test_exported_fields_become_one_line_x_stcc_headers():
    profile = {"Customer Number": "42", "Customer Name": "Ann\r\nInjected: 1", "Empty": " ", "Hidden": "x"}
    headers = agent_headers(profile, ["Customer Number", "Customer Name", "Empty", "Missing"])
    assert headers == {"X-STCC-Customer-Number": "42", "X-STCC-Customer-Name": "Ann Injected: 1"}
