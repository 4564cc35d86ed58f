"""The guide's two worked examples as call control scripts, on the demo CRM (a SQLite file over ODBC).

The customer ID the caller types goes to the profile's Customer Number (Table 1: "Identifier number
of the customer"), which is exported: the agent's phone gets it as X-STCC-Customer-Number.

(a) "Routing a Call Based on CRM Information": Get Digits customer ID -> SQLConnect -> Query Database
    -> SQLExecute customer type -> Decision -> Change Profile (Service = Stocks or Bonds) -> Queue to Service.
(b) "Providing Self-Service Options Using CRM Information": Get Digits -> SQL balance -> Announce the
    balance as currency.
"""

CRM = "Demo CRM"
FIND = "SELECT customer_id FROM customers WHERE customer_id = %Customer Number%"


def _ask_id(success: str) -> dict:
    return {
        "id": "ask_id",
        "action": "get_digits",
        "params": {
            "prompt": ["enter_customer_id"],
            "field": "Customer Number",
            "min_digits": 1,
            "max_digits": 10,
            "terminator": "#",
            "retries": 2,
            "invalid_prompt": ["invalid_entry"],
            "pattern": "[0-9]+",
        },
        "exits": {"success": success, "timeout": "to_care", "invalid": "to_care"},
    }


def _lookup(success: str) -> list[dict]:
    return [
        {
            "id": "connect",
            "action": "sql_connect",
            "params": {"connection": CRM},
            "exits": {"success": "find", "timeout": "db_down", "failure": "db_down"},
        },
        {
            "id": "find",
            "action": "query_database",
            "params": {"connection": CRM, "statement": FIND},
            "exits": {"success": success, "no_rows": "not_found", "timeout": "db_down", "failure": "db_down"},
        },
    ]


_COMMON = [
    {
        "id": "not_found",
        "action": "play_prompt",
        "params": {"prompts": ["customer_not_found"]},
        "exits": {"next": "to_care"},
    },
    {
        "id": "db_down",
        "action": "play_prompt",
        "params": {"prompts": ["records_unavailable"]},
        "exits": {"next": "to_care"},
    },
    {
        "id": "to_care",
        "action": "change_profile",
        "params": {"assignments": [{"field": "Service", "value": "Customer Care"}]},
        "exits": {"next": "queue"},
    },
    {
        "id": "queue",
        "action": "queue_to_service",
        "params": {},
        "exits": {"queued": None, "no_agents": "busy", "full": "busy", "failure": "busy"},
    },
    {"id": "busy", "action": "play_prompt", "params": {"prompts": ["all_agents_busy"]}, "exits": {"next": "bye"}},
    {"id": "bye", "action": "hang_up", "params": {}, "exits": {}},
]

ROUTE_BY_CUSTOMER_TYPE = {
    "start": "ask_id",
    "apology_prompt": "technical_difficulties",
    "nodes": [
        _ask_id("connect"),
        *_lookup("get_type"),
        {
            "id": "get_type",
            "action": "sql_execute",
            "params": {
                "connection": CRM,
                "statement": "SELECT customer_type FROM customers WHERE customer_id = %Customer Number%",
            },
            "exits": {"success": "disconnect", "no_rows": "not_found", "timeout": "db_down", "failure": "db_down"},
        },
        {
            "id": "disconnect",
            "action": "sql_disconnect",
            "params": {"connection": CRM},
            "exits": {"success": "by_type", "timeout": "by_type", "failure": "by_type"},
        },
        {
            "id": "by_type",
            "action": "decision",
            "params": {
                "cases": [
                    {"name": "stocks", "conditions": [{"field": "Customer Type", "op": "=", "value": "STOCKS"}]},
                    {"name": "bonds", "conditions": [{"field": "Customer Type", "op": "=", "value": "BONDS"}]},
                ]
            },
            "exits": {"stocks": "to_stocks", "bonds": "to_bonds", "default": "to_care"},
        },
        {
            "id": "to_stocks",
            "action": "change_profile",
            "params": {"assignments": [{"field": "Service", "value": "Stocks"}]},
            "exits": {"next": "queue"},
        },
        {
            "id": "to_bonds",
            "action": "change_profile",
            "params": {"assignments": [{"field": "Service", "value": "Bonds"}]},
            "exits": {"next": "queue"},
        },
        *_COMMON,
    ],
}

ACCOUNT_BALANCE = {
    "start": "ask_id",
    "apology_prompt": "technical_difficulties",
    "nodes": [
        _ask_id("connect"),
        *_lookup("get_balance"),
        {
            "id": "get_balance",
            "action": "sql_execute",
            "params": {
                "connection": CRM,
                "statement": "SELECT balance AS account_balance FROM customers WHERE customer_id = %Customer Number%",
            },
            "exits": {"success": "say_balance", "no_rows": "not_found", "timeout": "db_down", "failure": "db_down"},
        },
        {
            "id": "say_balance",
            "action": "announce",
            "params": {
                "prompts": ["your_balance_is"],
                "field": "Account Balance",
                "format": "currency",
                "after_prompts": ["thank_you_goodbye"],
            },
            "exits": {"next": "bye"},
        },
        *_COMMON,
    ],
}

SCRIPTS = [
    # name, description, graph, IRN number
    (
        "Route by customer type",
        "The guide's first example: route to Stocks or Bonds by the CRM's customer type.",
        ROUTE_BY_CUSTOMER_TYPE,
        "5100",
    ),
    (
        "Account balance",
        "The guide's second example: self-service account balance, spoken as currency.",
        ACCOUNT_BALANCE,
        "5200",
    ),
]
