"""The agent-phone settings every process derives alike from the environment (ccweb/settings)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NAMES = ["SIP_DOMAIN", "SIP_REALM", "SIP_FRONT_ADDRESS", "SIP_WS_PORT", "SIP_WS_URL", "SIP_WEB_TTL"]


def _settings(tmp_path, **env: str) -> dict:
    """The settings as a fresh process sees them (they are read once, at import)."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("CCWEB_SIP")}
    code = (
        "import json; from django.conf import settings; "
        f"print(json.dumps({{n: getattr(settings, n) for n in {NAMES!r}}} | {{'secret': settings.SIP_WEB_SECRET}}))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=clean | {"DJANGO_SETTINGS_MODULE": "ccweb.settings", "CCWEB_VAR_DIR": str(tmp_path)} | env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_defaults_are_the_local_front_and_a_secret_generated_into_var(tmp_path):
    first = _settings(tmp_path)
    assert first["SIP_DOMAIN"] == first["SIP_REALM"] == "localhost"
    assert (first["SIP_FRONT_ADDRESS"], first["SIP_WS_PORT"], first["SIP_WS_URL"]) == ("127.0.0.1:5060", 5066, "")
    assert len(first["secret"]) >= 40
    assert (tmp_path / "sip_web_secret").read_text().strip() == first["secret"]
    assert _settings(tmp_path)["secret"] == first["secret"]  # the web and the SIP front agree


@pytest.mark.parametrize(
    ("env", "domain", "front"),
    [
        ({"CCWEB_SIP_LISTEN": "10.0.0.2", "CCWEB_SIP_PORT": "5070"}, "10.0.0.2", "10.0.0.2:5070"),
        ({"CCWEB_SIP_LISTEN": "10.0.0.2", "CCWEB_SIP_ADVERTISE": "203.0.113.9:5060"}, "203.0.113.9", "10.0.0.2:5060"),
        ({"CCWEB_SIP_LISTEN": "0.0.0.0", "CCWEB_SIP_DOMAIN": "pbx.example.com"}, "pbx.example.com", "127.0.0.1:5060"),
        ({"CCWEB_SIP_FRONT": "10.0.0.9:5060"}, "localhost", "10.0.0.9:5060"),
    ],
)
def test_domain_and_front_follow_the_front_settings(tmp_path, env, domain, front):
    values = _settings(tmp_path, **env)
    assert (values["SIP_DOMAIN"], values["SIP_REALM"], values["SIP_FRONT_ADDRESS"]) == (domain, domain, front)


def test_realm_and_secret_can_be_set(tmp_path):
    values = _settings(tmp_path, CCWEB_SIP_REALM="ccweb", CCWEB_SIP_WEB_SECRET="from-env")
    assert (values["SIP_REALM"], values["secret"]) == ("ccweb", "from-env")
    assert not (tmp_path / "sip_web_secret").exists()
