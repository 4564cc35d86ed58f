"""The agent-phone parts of the generated configuration and the rtpengine command (plain Python, no Kamailio)."""

import dataclasses
import os
import stat

import pytest

from sip_front import config as sipfront
from sip_front import phones, rtpengine


def _front(tmp_path, **fields) -> sipfront.SipFront:
    base = sipfront.SipFront(children=("sip:127.0.0.1:5081",), runtime_dir=tmp_path, listen="127.0.0.1")
    return dataclasses.replace(base, **fields)


@pytest.mark.parametrize(
    ("url", "server"),
    [
        ("redis://127.0.0.1:6379/13", "name=ccweb;addr=127.0.0.1;port=6379;db=13"),
        ("redis://redis.local", "name=ccweb;addr=redis.local;port=6379;db=0"),
        ("redis://:s%40cret@10.0.0.2:6380/2", "name=ccweb;addr=10.0.0.2;port=6380;db=2;pass=s@cret"),
        ("unix:///run/redis.sock?db=4", "name=ccweb;unix=/run/redis.sock;db=4"),
    ],
)
def test_redis_url_becomes_the_ndb_redis_server(url, server):
    assert phones.redis_server(url) == server


def test_a_tls_redis_url_is_refused_by_name():
    with pytest.raises(ValueError, match="rediss"):
        phones.redis_server("rediss://redis.example:6380/0")


def test_registrar_settings_are_rendered(tmp_path):
    config = sipfront.render_config(
        _front(tmp_path, realm="pbx.example.com", redis_url="redis://127.0.0.1:6379/5", ha1_key="ccweb:x:sip:ha1")
    )
    assert '#!define CCWEB_SIP_REALM "pbx.example.com"\n' in config
    assert '#!define CCWEB_REDIS_SERVER "name=ccweb;addr=127.0.0.1;port=6379;db=5"\n' in config
    assert '#!define CCWEB_HA1_KEY "ccweb:x:sip:ha1"\n' in config
    assert 'pv_auth_check(CCWEB_SIP_REALM, "$var(ha1)", "1", "1")' in config
    assert 'modparam("usrloc", "db_mode", 0)' in config
    # no WebSocket: its modules stay out (#!ifdef) and no extra listen line appears
    assert "CCWEB_WITH_WS" not in config.split("####### ccweb SIP front")[0]
    assert "tcp_accept_no_cl" not in config


def test_browser_phones_bring_the_websocket_the_secret_and_rtpengine(tmp_path):
    front = _front(tmp_path, ws_port=5066, web_secret="shared-s3cret", rtpengine_ng="127.0.0.1:2230")
    config = sipfront.render_config(front)
    head = config.split("####### ccweb SIP front")[0]

    assert "#!define CCWEB_WITH_WS 1\n" in head and "#!define CCWEB_WS_PORT 5066\n" in head
    assert "listen=tcp:127.0.0.1:5066\n" in head and "tcp_accept_no_cl=yes\n" in head
    assert '#!define CCWEB_RTPENGINE_SOCK "udp:127.0.0.1:2230"\n' in head
    assert config.count("shared-s3cret") == 1  # only in its define, which the module line uses
    # the flags that worked with Chromium (docs/sip-front.md): DTLS/ICE toward the browser, plain RTP away
    assert (
        '"replace-origin replace-session-connection rtcp-mux-offer generate-mid DTLS=passive SDES-off ICE=force '
        'RTP/SAVPF"' in head
    )
    assert '"replace-origin replace-session-connection rtcp-mux-demux DTLS=off SDES-off ICE=remove RTP/AVP"' in head


def test_browser_phones_without_a_secret_are_refused(tmp_path):
    with pytest.raises(ValueError, match="CCWEB_SIP_WEB_SECRET"):
        sipfront.render_config(_front(tmp_path, ws_port=5066))


def test_the_configuration_file_is_readable_by_its_owner_only(tmp_path):
    """It holds the browser phones' secret; a file left 0644 by an older version is tightened too."""
    front = _front(tmp_path, ws_port=5066, web_secret="s")
    front.config_path.write_text("old")
    os.chmod(front.config_path, 0o644)
    sipfront.write_files(front)
    assert stat.S_IMODE(front.config_path.stat().st_mode) == 0o600


def test_the_environment_sets_the_websocket_port_and_the_rtpengine_address(tmp_path):
    env = {"CCWEB_SIP_WS_PORT": "8088", "CCWEB_RTPENGINE_NG": "127.0.0.1:2299", "REDIS_URL": "redis://r:6379/3"}
    front = sipfront.front_from_env(env, var_dir=tmp_path, cpu_count=1)
    assert (front.ws_port, front.rtpengine_ng, front.redis_url) == (8088, "127.0.0.1:2299", "redis://r:6379/3")
    assert sipfront.front_from_env({"CCWEB_SIP_WS_PORT": "0"}, var_dir=tmp_path, cpu_count=1).ws_port is None
    with pytest.raises(ValueError, match="CCWEB_SIP_WS_PORT"):
        sipfront.front_from_env({"CCWEB_SIP_WS_PORT": "70000"}, var_dir=tmp_path, cpu_count=1)


def test_rtpengine_runs_in_the_foreground_in_userspace_with_dtls_passive():
    engine = rtpengine.rtpengine_from_env({"CCWEB_SIP_LISTEN": "10.0.0.2", "CCWEB_RTP_ADVERTISE": "203.0.113.9"})
    command = rtpengine.rtpengine_command(engine, binary="/usr/bin/rtpengine")
    assert command == [
        "/usr/bin/rtpengine",
        "--config-file=none",
        "--table=-1",
        "--dtls-passive",
        "--interface=10.0.0.2!203.0.113.9",
        "--listen-ng=127.0.0.1:2223",
        "--port-min=20000",
        "--port-max=29999",
        "--foreground",
        "--log-stderr",
        "--log-level=5",
    ]


@pytest.mark.parametrize(
    "env", [{"CCWEB_RTP_PORT_MIN": "20000", "CCWEB_RTP_PORT_MAX": "10000"}, {"CCWEB_RTP_PORT_MAX": "70000"}]
)
def test_a_bad_rtp_port_range_is_refused(env):
    with pytest.raises(ValueError, match="CCWEB_RTP_PORT"):
        rtpengine.rtpengine_from_env(env)


def test_bencode_is_the_ng_protocols():
    assert rtpengine.bencode({"command": "ping"}) == b"d7:command4:pinge"
    assert rtpengine.bencode({"b": [1, "x"], "a": "y"}) == b"d1:a1:y1:bli1e1:xee"
