"""A source that keeps sending bad REGISTERs is refused outright for a while (a real front, sipp phones)."""

from __future__ import annotations

import shutil
import socket

import pytest

from tests.integration import phones
from tests.integration.media import sipfront_helpers as f

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(not (shutil.which("sipp") and f.kamailio_available()), reason="needs sipp and kamailio"),
]


def test_after_too_many_refused_registers_the_address_gets_no_challenge(tmp_path):
    """CCWEB_SIP_AUTH_MAX_FAILURES=2: two REGISTERs with bad credentials get 401 then 403; the next one from
    the same address gets 403 Too Many Failed Attempts at once, without a challenge to answer."""
    child = f.start_uas(tmp_path, "uas.xml")
    # an extension with no HA1 in Redis: every answer is wrong, whatever the password
    front = f.start_front(tmp_path, [child.uri], auth_max_failures=2, ha1_key="ccweb:limit-test:sip:ha1")
    try:
        for _ in range(2):
            done = phones.register_phone(
                tmp_path, front.port, "1001", "guess", port=f.free_udp_port(), scenario="phone_register_refused.xml"
            )
            assert done.returncode == 0, done.stdout[-1500:]
        status = _register_status(front.port)
        assert status == "SIP/2.0 403 Too Many Failed Attempts", front.log.read_text()[-2000:]
        assert "too many failed attempts" in front.log.read_text()
    finally:
        front.stop()
        child.stop()


def _register_status(port: int) -> str:
    """One REGISTER without credentials over UDP; the status line of the reply."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind((f.HOST, 0))
        sock.settimeout(3)
        sock.sendto(f.sip_request("REGISTER", port, sock.getsockname()[1]).encode(), (f.HOST, port))
        return sock.recvfrom(65535)[0].decode(errors="replace").split("\r\n", 1)[0]
