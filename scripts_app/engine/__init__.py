"""The call control script engine: plain Python, no Django, no pjsua2.

- `graph`     the script graph (nodes, parameters, exits) and its JSON form
- `ports`     the protocols the engine drives: CallControl (media), SqlGateway, AcdPort
- `actions`   the action API (Param, Action, registry); one module per action in scripts_app/actions/
- `context`   the state of one call while its script runs
- `trace`     the record of every step, for the call's history
- `interpreter`, `validate`   running a graph and checking one
"""
