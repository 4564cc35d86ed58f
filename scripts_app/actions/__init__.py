"""Call control script actions, one module per action; importing this package registers them all.

Each module defines one `Action` (scripts_app.engine.actions): its parameters, exits and `run`.
Shared behaviour: `_common` (failure signal, parameter values, %Field% references, check ids),
`_values` (typed comparisons and arithmetic), `_digits` (DTMF collection), `_sql` (SQL actions).
"""

from scripts_app.actions import (  # noqa: F401  (each module registers its action)
    announce,
    callback_request,
    change_profile,
    decision,
    get_digits,
    goto,
    hang_up,
    menu,
    music_on_hold,
    play_prompt,
    query_database,
    queue_to_service,
    schedule,
    sql_connect,
    sql_disconnect,
    sql_execute,
    subscript,
    transfer,
    wait,
)
