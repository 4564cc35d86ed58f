"""ANI and Caller Name as RFC 3261 writes them: the user part percent-decoded, quoted-pairs unescaped."""

import pytest

from routing.inbound import name_addr_parts, sip_user


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('"Ann \\"A\\" <x>" <sip:%2B15551234@h>;tag=1', ('Ann "A" <x>', "sip:%2B15551234@h")),
        ('"back\\\\slash;x" <sip:1@h>', ("back\\slash;x", "sip:1@h")),
        ("Bob Smith <sip:1001@h;transport=tcp>;tag=9", ("Bob Smith", "sip:1001@h;transport=tcp")),
        ("sip:1001@h;tag=9", ("", "sip:1001@h")),
        ("<sip:+1555;isub=1@h>", ("", "sip:+1555;isub=1@h")),
        ('"" <sip:1@h>', ("", "sip:1@h")),
    ],
)
def test_name_addr_parts(value, expected):
    assert name_addr_parts(value) == expected


@pytest.mark.parametrize(
    ("uri", "user"),
    [
        ("sip:%2B15551234@h", "+15551234"),
        ("sip:John%20Doe@h;transport=udp", "John Doe"),
        ("sip:+1555;isub=1;phone-context=example.com@h", "+1555"),  # the documented rule: parameters dropped
        ("tel:+1555;phone-context=x", "+1555"),
        ("<sip:5100@front:5060>", "5100"),
        ("sip:%ZZ@h", "%ZZ"),  # not an escape: kept as sent
    ],
)
def test_sip_user(uri, user):
    assert sip_user(uri) == user
