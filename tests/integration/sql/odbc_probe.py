"""A fresh process for test_odbc_config (unixODBC reads ODBCSYSINI once per process).

    python -m tests.integration.sql.odbc_probe <ccweb config dir> '<json: name -> connection string>' <sqlite file>

Merges the configuration (odbc_config.ensure), connects with each connection string, checks that a second
ensure() changes nothing and is fast, adds a DSN to ccweb's odbc.ini and connects to it; prints one JSON object:
{"target", "env", "first": {name: "ok" | SQLSTATE}, "unchanged_ms", "rewritten", "later"}.
"""

import json
import os
import sys
import time

import pyodbc

from scripts_app.sql import odbc_config


def connect(text: str) -> str:
    try:
        pyodbc.connect(text, timeout=2).close()
        return "ok"
    except pyodbc.Error as exc:
        return exc.args[0]


def main(config: str, cases: dict[str, str], later_db: str) -> dict:
    out: dict = {}
    target = odbc_config.ensure(config)
    out["target"] = str(target)
    out["env"] = [os.environ["ODBCSYSINI"], os.environ["ODBCINI"]]
    out["first"] = {name: connect(text) for name, text in cases.items()}
    stamp = os.stat(target / "odbc.ini").st_mtime_ns
    started = time.perf_counter()
    odbc_config.ensure(config)
    out["unchanged_ms"] = (time.perf_counter() - started) * 1000
    out["rewritten"] = os.stat(target / "odbc.ini").st_mtime_ns != stamp
    with open(os.path.join(config, "odbc.ini"), "a") as f:
        f.write("\n[Later DSN]\nDriver = SQLite3\nDatabase = " + later_db + "\n")
    odbc_config.ensure(config)
    out["later"] = connect("DSN={Later DSN}")
    return out


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1], json.loads(sys.argv[2]), sys.argv[3])))
