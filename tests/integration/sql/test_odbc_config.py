"""ccweb's own odbc.ini/odbcinst.ini are merged with the system's, in a fresh process (unixODBC reads
ODBCSYSINI once per process, so each case runs in a child with its own environment: odbc_probe.py).
"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[3]


def test_system_user_and_ccweb_dsns_and_drivers_all_resolve(tmp_path):
    """System DSNs and drivers still work once ODBCSYSINI points at ccweb's directory; ccweb's win on a clash."""
    system, home, config = tmp_path / "etc", tmp_path / "home", tmp_path / "config"
    for folder in (system, home, config):
        folder.mkdir()
    shutil.copy("/etc/odbcinst.ini", system / "odbcinst.ini")
    db = tmp_path / "crm.db"
    (system / "odbc.ini").write_text(f"[System DSN]\nDriver=SQLite3\nDatabase={db}\n\n[Clash]\nDriver=Nope\n")
    (home / ".odbc.ini").write_text(f"[User DSN]\nDriver=SQLite3\nDatabase={db}\n")
    (config / "odbcinst.ini").write_text("[ccweb SQLite]\nDescription=ours\nDriver=libsqlite3odbc.so\n")
    (config / "odbc.ini").write_text(
        f"; ccweb's own\n[Own DSN]\nDriver=ccweb SQLite\nDatabase={db}\n\n[Clash]\nDriver=SQLite3\nDatabase={db}\n"
    )
    cases = {
        "system": "DSN={System DSN}",
        "user": "DSN={User DSN}",
        "own": "DSN={Own DSN}",
        "clash": "DSN=Clash",
        "own driver": f"Driver={{ccweb SQLite}};Database={db}",
        "system driver": f"Driver={{SQLite3}};Database={db}",
        "unknown": "DSN=Nowhere",
    }
    env = {**os.environ, "ODBCSYSINI": str(system), "HOME": str(home), "PYTHONPATH": str(ROOT)}
    for name in ("ODBCINI", "CCWEB_ODBC_ORIGINAL_SYSINI", "CCWEB_ODBC_ORIGINAL_INI"):
        env.pop(name, None)
    done = subprocess.run(
        [sys.executable, "-m", "tests.integration.sql.odbc_probe", str(config), json.dumps(cases), str(db)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    out = json.loads(done.stdout)
    target = config / "odbc-generated"
    assert out["target"] == str(target) and out["env"] == [str(target), str(target / "odbc.ini")]
    assert out["first"] == {name: "ok" for name in cases} | {"unknown": "IM002"}
    assert out["later"] == "ok"  # a DSN added later is seen without a restart
    assert not out["rewritten"] and out["unchanged_ms"] < 5
    drivers = (target / "odbcinst.ini").read_text()
    assert "[PostgreSQL Unicode]" in drivers and "[ccweb SQLite]" in drivers
    assert "Pooling = No" in drivers  # ccweb counts connections itself
