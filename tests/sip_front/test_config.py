"""The SIP front's settings and the generated Kamailio configuration (plain Python, no Kamailio)."""

import dataclasses

import pytest

from sip_front import config as sipfront


def test_defaults_are_one_local_child_per_cpu_on_5060_all_interfaces(tmp_path):
    front = sipfront.front_from_env({"CCWEB_SIP_WS_PORT": "0"}, var_dir=tmp_path, cpu_count=3)

    assert front.children == ("sip:127.0.0.1:5081", "sip:127.0.0.1:5082", "sip:127.0.0.1:5083")
    assert (front.port, front.listen, front.ws_port) == (5060, None, None)
    assert front.config_path == tmp_path / "kamailio.cfg"
    assert "port=5060" in sipfront.render_config(front)
    assert "listen=" not in sipfront.render_config(front)


def test_with_the_websocket_every_interface_is_listed_since_one_listen_line_turns_the_others_off(tmp_path):
    front = sipfront.front_from_env({}, var_dir=tmp_path, cpu_count=1)
    config = sipfront.render_config(dataclasses.replace(front, web_secret="s"))

    assert front.ws_port == 5066
    assert "listen=udp:127.0.0.1:5060\n" in config and "listen=tcp:127.0.0.1:5066\n" in config
    assert "port=5060" not in config


def test_environment_sets_port_listen_children_and_other_hosts(tmp_path):
    env = {
        "CCWEB_SIP_PORT": "5070",
        "CCWEB_SIP_LISTEN": "10.1.2.3",
        "CCWEB_MEDIA_PROCESSES": "2",
        "CCWEB_MEDIA_BASE_PORT": "6000",
        "CCWEB_MEDIA_HOSTS": "10.1.2.4:5081, 10.1.2.5,sip:media6.example:5090;transport=tcp",
        "CCWEB_SIP_WS_PORT": "0",
    }
    front = sipfront.front_from_env(env, var_dir=tmp_path)

    assert front.children == (
        "sip:127.0.0.1:6000",
        "sip:127.0.0.1:6001",
        "sip:10.1.2.4:5081",
        "sip:10.1.2.5:6000",
        "sip:media6.example:5090;transport=tcp",
    )
    config = sipfront.render_config(front)
    assert "listen=udp:10.1.2.3:5070\n" in config
    assert "listen=tcp:10.1.2.3:5070\n" in config
    listing = sipfront.render_dispatcher_list(front).splitlines()
    assert listing[1:] == [f"1 {uri} 0 0 duid=child{i}" for i, uri in enumerate(front.children, start=1)]


def test_a_front_only_host_dispatches_to_other_hosts(tmp_path):
    env = {"CCWEB_MEDIA_PROCESSES": "0", "CCWEB_MEDIA_HOSTS": "10.0.0.7:5081,10.0.0.8:5081"}
    front = sipfront.front_from_env(env, var_dir=tmp_path)

    assert front.children == ("sip:10.0.0.7:5081", "sip:10.0.0.8:5081")


@pytest.mark.parametrize(
    ("env", "names"),
    [
        ({"CCWEB_SIP_PORT": "five"}, "CCWEB_SIP_PORT"),
        ({"CCWEB_SIP_PORT": "70000"}, "CCWEB_SIP_PORT"),
        ({"CCWEB_SIP_LISTEN": "eth0"}, "CCWEB_SIP_LISTEN"),
        ({"CCWEB_MEDIA_PROCESSES": "0"}, "CCWEB_MEDIA_HOSTS"),
        ({"CCWEB_SIP_ADVERTISE": "203.0.113.9"}, "CCWEB_SIP_LISTEN"),
    ],
)
def test_bad_settings_are_refused_with_the_variable_named(tmp_path, env, names):
    with pytest.raises(ValueError, match=names):
        sipfront.front_from_env(env, var_dir=tmp_path)


def test_unspecified_listen_address_means_every_interface(tmp_path):
    """0.0.0.0 would end up in Via and Record-Route; Kamailio binds each address instead."""
    front = sipfront.front_from_env({"CCWEB_SIP_LISTEN": "0.0.0.0"}, var_dir=tmp_path, cpu_count=1)

    assert front.listen is None


def test_advertised_address_goes_on_the_listen_lines(tmp_path):
    env = {"CCWEB_SIP_LISTEN": "10.0.0.2", "CCWEB_SIP_ADVERTISE": "203.0.113.9", "CCWEB_MEDIA_PROCESSES": "1"}
    front = dataclasses.replace(sipfront.front_from_env(env, var_dir=tmp_path), web_secret="s")
    config = sipfront.render_config(front)

    assert "listen=udp:10.0.0.2:5060 advertise 203.0.113.9:5060\n" in config
    assert "listen=tcp:10.0.0.2:5066 advertise 203.0.113.9:5066\n" in config


def test_foreground_command_for_honcho(tmp_path):
    front = sipfront.SipFront(children=("sip:127.0.0.1:5081",), runtime_dir=tmp_path)

    command = sipfront.kamailio_command(front, binary="/usr/sbin/kamailio")

    assert command[:3] == ["/usr/sbin/kamailio", "-DD", "-E"]
    assert command[command.index("-f") + 1] == str(tmp_path / "kamailio.cfg")
    assert command[command.index("-Y") + 1] == str(tmp_path / "kamailio")
