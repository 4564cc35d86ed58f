"""A database made by an earlier layout's migrations upgrades with `manage.py migrate` and loses nothing.

tests/fixtures/previous_layout.sqlite3 (see tests/fixtures/README.md) was made at commit e52586e, before models
moved between apps, with the demo and a few extra rows. A copy is migrated by the current code in a child
process (`manage.py migrate`, DATABASE_URL on the copy; this pytest process keeps its own test database),
and another child reads it back (tests/fixtures/read_back.py) twice: by raw SQL on the table names, which
fails if a table was lost or renamed, and through the ORM with each model found by class name in whichever
app holds it. Both readings must equal the fixture's content, written out below.
"""

import json
import shutil
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.fixtures.layout_env import FIXTURE, REPO, environment, manage

# --- the fixture's content: facts of tests/fixtures/previous_layout.sqlite3 -----------------------------

IRNS = [
    {
        "number": "5000",
        "name": "Main line",
        "destination_kind": "service",
        "destination_service": "Customer Care",
        "destination_script": None,
        "destination_device": "",
        "fallback_service": "Customer Care",
        "dnis": "5000",
        "script_parameters": {},
    },
    {
        "number": "5002",
        "name": "Stock desk direct",
        "destination_kind": "service",
        "destination_service": "Stocks",
        "destination_script": None,
        "destination_device": "",
        "fallback_service": "Customer Care",
        "dnis": None,
        "script_parameters": {"Greeting": "stock_desk", "Retries": 2},
    },
    {
        "number": "5100",
        "name": "Route by customer type",
        "destination_kind": "script",
        "destination_service": None,
        "destination_script": "Route by customer type",
        "destination_device": "",
        "fallback_service": "Customer Care",
        "dnis": "5100",
        "script_parameters": {},
    },
    {
        "number": "5200",
        "name": "Account balance",
        "destination_kind": "script",
        "destination_service": None,
        "destination_script": "Account balance",
        "destination_device": "",
        "fallback_service": "Customer Care",
        "dnis": "5200",
        "script_parameters": {},
    },
]
DNIS = [
    {"number": "5000", "name": "Main line"},
    {"number": "5001", "name": "Self service"},
    {"number": "5100", "name": "Route by customer type"},
    {"number": "5200", "name": "Account balance"},
]
SKILLS = [
    {"name": "Bonds", "description": "Bond investments"},
    {"name": "English", "description": "Serves callers in English"},
    {"name": "Spanish", "description": "Serves callers in Mexican Spanish"},
    {"name": "Stocks", "description": "Stock trades"},
]
GROUPS = [
    {"name": "Bond Specialists", "description": "", "wrap_up_seconds": 15},
    {"name": "Customer Care", "description": "", "wrap_up_seconds": 30},
    {"name": "Stock Traders", "description": "", "wrap_up_seconds": 15},
]
SERVICES = [
    {
        "name": "Bonds",
        "description": "Customers whose CRM customer type is BONDS",
        "priority": 6,
        "strategy": "longest_idle",
        "ring_timeout": 20,
        "max_queue_length": 25,
        "skills_field": "Required Skills",
        "groups": ["Bond Specialists", "Customer Care"],
    },
    {
        "name": "Customer Care",
        "description": "Everyone else",
        "priority": 5,
        "strategy": "longest_idle",
        "ring_timeout": 15,
        "max_queue_length": 0,
        "skills_field": None,
        "groups": ["Customer Care"],
    },
    {
        "name": "Stocks",
        "description": "Customers whose CRM customer type is STOCKS",
        "priority": 7,
        "strategy": "longest_idle",
        "ring_timeout": 15,
        "max_queue_length": 0,
        "skills_field": None,
        "groups": ["Stock Traders", "Customer Care"],
    },
]
AGENTS = [
    {
        "number": "1001",
        "name": "Alice Martin",
        "extension": "sip:1001@127.0.0.1:5070",
        "user": "alice",
        "groups": ["Customer Care", "Stock Traders"],
        "skills": {"English": 10, "Stocks": 9},
    },
    {
        "number": "1002",
        "name": "Bruno Silva",
        "extension": "sip:1002@127.0.0.1:5070",
        "user": None,
        "groups": ["Bond Specialists"],
        "skills": {"Bonds": 8, "English": 7, "Spanish": 10},
    },
    {
        "number": "1003",
        "name": "Carmen Ortiz",
        "extension": "sip:1003@127.0.0.1:5070",
        "user": None,
        "groups": ["Bond Specialists", "Customer Care"],
        "skills": {"Bonds": 5, "Spanish": 9},
    },
]
SCRIPTS = [
    {
        "name": "Account balance",
        "description": "The guide's second example: self-service account balance, spoken as currency.",
        "versions": [1],
        "current_version": 1,
        "current_comment": "demo",
        "current_graph_sha256": "54d4acf70d0641ebe4dd7f304088a74314922903eee7a125e60b7b093bb61ace",
        "draft_is_current": True,
    },
    {
        "name": "Route by customer type",
        "description": "The guide's first example: route to Stocks or Bonds by the CRM's customer type.",
        "versions": [1],
        "current_version": 1,
        "current_comment": "demo",
        "current_graph_sha256": "30959ee01dfca003e5b7f448d86990458912c5806690b1e2c3b3cc3ac2ab6f59",
        "draft_is_current": True,
    },
]
DATABASE_CONNECTIONS = [
    {
        "name": "Billing",
        "dsn": "Driver={MariaDB Unicode};Server=db.example.com;Database=billing",
        "database_type": "mysql",
        "timeout": 15,
        "username": "ccweb",
        "simultaneous_connections": 2,
        "unicode_parameters": True,
        "has_password": True,
    },
    {
        "name": "Demo CRM",
        "dsn": "Driver=SQLite3;Database=/tmp/ccweb-previous-layout/var/demo/crm.sqlite",
        "database_type": "sqlite",
        "timeout": 10,
        "username": "",
        "simultaneous_connections": 4,
        "unicode_parameters": False,
        "has_password": False,
    },
]
#: decrypted with tests.fixtures.layout_env.FIELD_ENCRYPTION_KEY
PASSWORDS = {"Billing": "s3cret-Pässwörd", "Demo CRM": ""}
#: the guide's Table 1, in its order (seeded by acd.0002_mandatory_profile_fields)
MANDATORY_FIELDS = [
    "ANI",
    "Agent Queue",
    "Group",
    "Trunk",
    "Call ID",
    "Caller Name",
    "DNIS",
    "DNIS Name",
    "Call Type",
    "Media",
    "Priority",
    "Service",
    "Customer Number",
    "Customer Name",
    "ACD Enter Date",
    "ACD Enter Time",
    "Queue Position",
    "Average Queue Time",
    "Call Back Time",
    "Call Back Date",
    "Call Back Destination",
    "Language",
    "Agent Extension",
    "Agent Number",
    "Dial List ID",
    "Start Queue Time",
    "Execute Req",
    "Trunk Number",
    "Email To",
    "Email CC",
    "Email Subject",
    "Email From",
    "Email Sent Date",
    "Email Sent Time",
    "Email Enter OMS Date",
    "Email Enter OMS Time",
    "Primary Call Back Destination",
    "Alternative Call Back Destination 1",
    "Alternative Call Back Destination 2",
    "Last Time To Initiate Callback",
    "Alternative Call ID",
    "Outbound Caller ID",
    "SW Call GUID",
]
USER_FIELDS = [
    {
        "name": "Customer Type",
        "tapi_property": "_STCC_Customer Type",
        "description": "Customer type from the CRM (Stocks or Bonds)",
        "data_type": "text",
        "exported": True,
        "position": 44,
    },
    {
        "name": "Account Balance",
        "tapi_property": "_STCC_Account Balance",
        "description": "Account balance from the CRM",
        "data_type": "currency",
        "exported": True,
        "position": 45,
    },
    {
        "name": "Required Skills",
        "tapi_property": "_STCC_Required Skills",
        "description": "Skills the call needs, e.g. Spanish:5, Bonds",
        "data_type": "text",
        "exported": False,
        "position": 46,
    },
]
CALL_ID = "fixture-call-0001@127.0.0.1"
CALL_RECORDS = [
    {
        "call_id": CALL_ID,
        "sw_call_guid": "{6F1C2A3B-0001-4D5E-8F90-ABCDEF012345}",
        "direction": "inbound",
        "ani": "+15551230001",
        "dnis": "5100",
        "irn": "5100",
        "service": "Stocks",
        "agent": "1001",
        "owner": "media-1",
        "started_at": "2025-01-15T10:00:00+00:00",
        "ended_at": "2025-01-15T10:03:20+00:00",
        "outcome": "completed",
        "sip_status": 200,
        "reason": "caller hung up",
        "profile": {
            "ANI": "+15551230001",
            "DNIS": "5100",
            "Call ID": CALL_ID,
            "Caller Name": "Dana Whitfield",
            "Customer Type": "STOCKS",
            "Account Balance": "2500.75",
            "Service": "Stocks",
            "Agent Number": "1001",
            "Language": "0",
            "Required Skills": "Stocks:5, English",
        },
        "trace": [
            {"node": "lookup", "action": "sql_query", "exit": "found", "at": "2025-01-15T10:00:01Z"},
            {"node": "route", "action": "branch", "exit": "stocks", "at": "2025-01-15T10:00:02Z"},
            {"node": "queue", "action": "transfer_to_service", "exit": "next", "at": "2025-01-15T10:00:02Z"},
        ],
    }
]
ACD_EVENTS = [
    {
        "at": "2025-01-15T10:00:02+00:00",
        "kind": "queued",
        "call_id": CALL_ID,
        "service": "Stocks",
        "agent": "",
        "position": 1,
        "wait_seconds": None,
        "data": {"priority": 7},
    },
    {
        "at": "2025-01-15T10:00:14.500000+00:00",
        "kind": "answered",
        "call_id": CALL_ID,
        "service": "Stocks",
        "agent": "1001",
        "position": None,
        "wait_seconds": 12.5,
        "data": {"extension": "sip:1001@127.0.0.1:5070"},
    },
]
SYSTEM_SETTINGS = [{"id": 1, "music_on_hold": "moh/fixture-hold.wav", "default_language": 4}]
USERS = [
    {"username": "admin", "is_superuser": True, "is_staff": True, "is_active": True, "permissions": []},
    {"username": "alice", "is_superuser": False, "is_staff": False, "is_active": True, "permissions": []},
    {
        "username": "supervisor",
        "is_superuser": False,
        "is_staff": True,
        "is_active": True,
        "permissions": ["change_irn", "view_callrecord", "view_dnis"],
    },
]
#: the supervisor's permissions, by the model they are about, as `has_perm` grants them
SUPERVISOR_PERMISSION_MODELS = [["change_irn", "IRN"], ["view_callrecord", "CallRecord"], ["view_dnis", "DNIS"]]
SUPERVISOR_MODEL_PERMISSIONS = ["CallRecord:view", "DNIS:view", "IRN:change"]

# --- the upgrade, once for the module ---------------------------------------------------------------------


@dataclass
class Upgrade:
    migrate: subprocess.CompletedProcess[str]
    showmigrations: subprocess.CompletedProcess[str]
    read_back: subprocess.CompletedProcess[str]
    tables_before: dict[str, int]
    tables_after: dict[str, int]
    ciphertexts_before: dict[str, str]
    seconds: float

    def reading(self, kind: str) -> dict[str, Any]:
        assert self.read_back.returncode == 0, f"read_back failed:\n{self.read_back.stderr}"
        return json.loads(self.read_back.stdout)[kind]


def _table_counts(database: Path) -> dict[str, int]:
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as db:
        names = [row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return {name: db.execute(f'SELECT COUNT(*) FROM "{name}"').fetchone()[0] for name in names}


def _run(command: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, timeout=240)


@pytest.fixture(scope="module")
def upgrade(tmp_path_factory: pytest.TempPathFactory) -> Upgrade:
    """Copy the fixture, migrate the copy, list its migrations and read it back, each in a child process."""
    work = tmp_path_factory.mktemp("previous_layout")
    database = work / "ccweb.sqlite3"
    shutil.copyfile(FIXTURE, database)
    tables_before = _table_counts(database)
    with sqlite3.connect(database) as db:
        ciphertexts_before = dict(db.execute("SELECT name, password_encrypted FROM scripts_app_databaseconnection"))
    env = environment(database, work / "var")
    started = time.monotonic()
    migrate = _run(manage("migrate", "--no-input"), env)
    showmigrations = _run(manage("showmigrations", "--plan"), env)
    read_back = _run([sys.executable, "-m", "tests.fixtures.read_back"], env)
    return Upgrade(
        migrate=migrate,
        showmigrations=showmigrations,
        read_back=read_back,
        tables_before=tables_before,
        tables_after=_table_counts(database),
        ciphertexts_before=ciphertexts_before,
        seconds=time.monotonic() - started,
    )


@pytest.fixture(params=["sql", "orm"])
def reading(request: pytest.FixtureRequest, upgrade: Upgrade) -> dict[str, Any]:
    """The migrated copy as read by raw SQL on the table names, then as read through the ORM."""
    return upgrade.reading(request.param)


# --- the upgrade itself -----------------------------------------------------------------------------------


def test_migrate_succeeds_without_errors(upgrade: Upgrade) -> None:
    """`migrate` exits 0, prints no traceback or error, applies every migration OK, and finds no model change
    without its migration."""
    output = upgrade.migrate.stdout + upgrade.migrate.stderr
    assert upgrade.migrate.returncode == 0, output
    assert "Traceback" not in output
    assert not [line for line in upgrade.migrate.stderr.splitlines() if "error" in line.lower()], output
    applying = [line for line in upgrade.migrate.stdout.splitlines() if line.strip().startswith("Applying ")]
    assert all(line.rstrip().endswith("OK") for line in applying), output
    assert "not yet reflected in a migration" not in output


def test_no_migration_is_left_unapplied(upgrade: Upgrade) -> None:
    """After `migrate`, `showmigrations --plan` lists every migration as applied ([X]), none as [ ]."""
    plan = upgrade.showmigrations.stdout
    assert upgrade.showmigrations.returncode == 0, upgrade.showmigrations.stderr
    assert "[X]" in plan
    assert "[ ]" not in plan, plan


def test_no_table_is_lost_renamed_or_emptied(upgrade: Upgrade) -> None:
    """Every table of the fixture is still there under its name, with at least the rows it had."""
    lost = sorted(set(upgrade.tables_before) - set(upgrade.tables_after))
    assert not lost, f"tables lost or renamed by migrate: {lost}"
    shrunk = {
        name: (count, upgrade.tables_after[name])
        for name, count in upgrade.tables_before.items()
        if upgrade.tables_after[name] < count
    }
    assert not shrunk, f"tables that lost rows (before, after): {shrunk}"


# --- the content, read by raw SQL and by the ORM ----------------------------------------------------------


def test_irns_keep_their_destinations(reading: dict[str, Any]) -> None:
    """IRN numbers, names, destinations (service or script), fallback service, DNIS and script parameters."""
    assert reading["irns"] == IRNS


def test_dnis_survive(reading: dict[str, Any]) -> None:
    assert reading["dnis"] == DNIS


def test_services_keep_their_groups_in_order_and_settings(reading: dict[str, Any]) -> None:
    """Services with their priority, ACD settings, skills field (a user call profile field) and ordered groups."""
    assert reading["services"] == SERVICES


def test_agents_keep_groups_skills_and_login_user(reading: dict[str, Any]) -> None:
    assert reading["skills"] == SKILLS
    assert reading["groups"] == GROUPS
    assert reading["agents"] == AGENTS


def test_scripts_keep_their_current_published_versions(reading: dict[str, Any]) -> None:
    """Each script's versions, its current version (number, comment, graph by hash) and its draft."""
    assert reading["scripts"] == SCRIPTS


def test_database_connections_survive(reading: dict[str, Any]) -> None:
    assert reading["database_connections"] == DATABASE_CONNECTIONS


def test_passwords_stay_encrypted_and_decryptable(upgrade: Upgrade) -> None:
    """The stored ciphertext is unchanged by the upgrade, holds no plaintext, and the fixture's key decrypts it."""
    ciphertexts = upgrade.reading("sql")["password_ciphertexts"]
    assert ciphertexts == upgrade.ciphertexts_before
    assert ciphertexts["Billing"].startswith("gAAAAA")  # a Fernet token
    assert PASSWORDS["Billing"] not in ciphertexts["Billing"]
    assert upgrade.reading("orm")["passwords"] == PASSWORDS


def test_call_profile_fields_keep_mandatory_and_user_fields(reading: dict[str, Any]) -> None:
    """The 43 mandatory fields in the guide's order, then the user fields with their TAPI property and position."""
    assert reading["mandatory_fields"] == MANDATORY_FIELDS
    assert reading["user_fields"] == USER_FIELDS


def test_call_records_keep_profile_and_trace(reading: dict[str, Any]) -> None:
    assert reading["call_records"] == CALL_RECORDS


def test_acd_events_survive(reading: dict[str, Any]) -> None:
    assert reading["acd_events"] == ACD_EVENTS


def test_system_settings_survive(reading: dict[str, Any]) -> None:
    assert reading["system_settings"] == SYSTEM_SETTINGS


def test_users_keep_their_permissions(reading: dict[str, Any]) -> None:
    """Users, their flags and their permissions by codename."""
    common = [{key: user[key] for key in USERS[0]} for user in reading["users"]]
    assert common == USERS


def test_permissions_still_grant_access_to_their_models(upgrade: Upgrade) -> None:
    """A permission belongs to its model through a content type named by app label: after a model moves app,
    the supervisor must still be granted change IRN, view DNIS and view call record on the moved models."""
    supervisor = {user["username"]: user for user in upgrade.reading("orm")["users"]}["supervisor"]
    assert supervisor["permission_models"] == SUPERVISOR_PERMISSION_MODELS
    assert supervisor["model_permissions"] == SUPERVISOR_MODEL_PERMISSIONS
