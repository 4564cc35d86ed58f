"""Fake ports for script tests: what the caller hears, what they type, what the ACD and the database answer.

    call = make_call(keys=["1001#", "1"])             # first collect_digits gets 1001, the second 1
    call.sql.push(sql_result([["STOCKS"]], ["customer_type"], {"Customer Type": "STOCKS"}))
    exit_name = run_action("get_digits", {"prompt": ["enter_id"], "field": "Customer ID"}, call)
    assert call.media.prompts_played == ["enter_id"]

Keys: each entry of `keys` answers one `collect_digits` call, as what the caller typed during it:
"1001#" -> "1001" (stops at the terminator), "" -> "" (silence: the first-digit timeout), digits past
`max_digits` are dropped. When the entries run out the caller is silent (""), so a script that keeps
asking ends on its timeout branch instead of looping for ever.

Every fake method is a coroutine that returns at once (no real sleeping); `fail` makes a method raise,
`hang` makes it never return (for deadline tests).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from scripts_app.engine.actions import ValidationEnv, get_action
from scripts_app.engine.context import CallContext
from tests.scripts_app.fake_ports import (  # noqa: F401  (re-exported: tests import the fakes from here)
    FakeAcd,
    FakeMedia,
    FakeScripts,
    FakeSql,
    sql_error,
    sql_result,
)

#: Table 1 of the guide: mandatory field -> data type (as seeded by acd/migrations/0002)
MANDATORY_FIELD_TYPES: dict[str, str] = {
    "ANI": "phone",
    "Agent Queue": "text",
    "Group": "text",
    "Trunk": "text",
    "Call ID": "text",
    "Caller Name": "text",
    "DNIS": "phone",
    "DNIS Name": "text",
    "Call Type": "text",
    "Media": "text",
    "Priority": "number",
    "Service": "text",
    "Customer Number": "text",
    "Customer Name": "text",
    "ACD Enter Date": "date",
    "ACD Enter Time": "time",
    "Queue Position": "number",
    "Average Queue Time": "number",
    "Call Back Time": "time",
    "Call Back Date": "date",
    "Call Back Destination": "phone",
    "Language": "number",
    "Agent Extension": "text",
    "Agent Number": "text",
    "Dial List ID": "text",
    "Start Queue Time": "time",
    "Execute Req": "text",
    "Trunk Number": "text",
    "Email To": "text",
    "Email CC": "text",
    "Email Subject": "text",
    "Email From": "text",
    "Email Sent Date": "date",
    "Email Sent Time": "time",
    "Email Enter OMS Date": "date",
    "Email Enter OMS Time": "time",
    "Primary Call Back Destination": "phone",
    "Alternative Call Back Destination 1": "phone",
    "Alternative Call Back Destination 2": "phone",
    "Last Time To Initiate Callback": "time",
    "Alternative Call ID": "text",
    "Outbound Caller ID": "phone",
    "SW Call GUID": "text",
}

#: User fields of the guide's two examples (and a few more types for Decision tests)
USER_FIELD_TYPES: dict[str, str] = {
    "Customer ID": "text",
    "Customer Type": "text",
    "Balance": "currency",
    "Due Date": "date",
    "Account Count": "number",
}

FIELD_TYPES: dict[str, str] = {**MANDATORY_FIELD_TYPES, **USER_FIELD_TYPES}

DEFAULT_PROFILE: dict[str, str] = {
    "ANI": "+15551234567",
    "DNIS": "5000",
    "Call ID": "call-1",
    "Call Type": "Voice",
    "Media": "VOICE",
    "Language": "0",
    "Priority": "0",
    "Service": "",
}

FIXED_NOW = datetime(2026, 3, 4, 15, 30, tzinfo=UTC)  # a Wednesday


def make_call(
    profile: Mapping[str, str] | None = None,
    *,
    keys: str | Iterable[str] = (),
    media: FakeMedia | None = None,
    sql: Any = None,
    acd: FakeAcd | None = None,
    field_types: Mapping[str, str] | None = None,
    scripts: Any = None,
    now: datetime | Callable[[], datetime] | None = None,
    call_id: str = "call-1",
    **context: Any,
) -> CallContext:
    """A CallContext on fakes. `profile` is merged over DEFAULT_PROFILE; field types default to FIELD_TYPES;
    `now` (a datetime or a function) defaults to FIXED_NOW; `sql` may be any SqlGateway (e.g. GatewaySqlPort).
    """
    clock: Callable[[], datetime]
    if now is None:
        clock = lambda: FIXED_NOW  # noqa: E731
    elif isinstance(now, datetime):
        fixed = now
        clock = lambda: fixed  # noqa: E731
    else:
        clock = now
    return CallContext(
        call_id=call_id,
        profile={**DEFAULT_PROFILE, "Call ID": call_id, **(profile or {})},
        media=media if media is not None else FakeMedia(keys),
        sql=sql if sql is not None else FakeSql(),
        acd=acd if acd is not None else FakeAcd(),
        field_types=dict(field_types if field_types is not None else FIELD_TYPES),
        scripts=scripts,
        now=clock,
        **context,
    )


def make_env(**overrides: Any) -> ValidationEnv:
    """A ValidationEnv with FIELD_TYPES, a SQLite "CRM" connection and the services Stocks and Bonds."""
    data: dict[str, Any] = {
        "field_types": dict(FIELD_TYPES),
        "connections": {"CRM": "sqlite"},
        "services": {"Stocks", "Bonds"},
    }
    data.update(overrides)
    return ValidationEnv(**data)


def run_action(name: str, params: Mapping[str, Any], call: CallContext) -> str:
    """Run one registered action on `call` to its exit (asyncio.run: no pytest-asyncio here)."""
    action = get_action(name)
    assert action is not None, f"no action named {name!r}"
    return asyncio.run(action.run(call, params))
