"""The vendored front-end code is what bin/vendor.sh builds from the pinned npm packages, with its licences."""

import hashlib
import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
VENDOR = ROOT / "desktop" / "static" / "desktop" / "vendor"


def test_the_bundle_is_the_pinned_jssip_version():
    pinned = json.loads((ROOT / "vendor" / "package.json").read_text())["devDependencies"]["jssip"]
    locked = json.loads((ROOT / "vendor" / "package-lock.json").read_text())["packages"]["node_modules/jssip"]
    banner = (VENDOR / "jssip.min.js").read_text()[:200]
    assert re.fullmatch(r"\d+\.\d+\.\d+", pinned), "an exact version, never a range"
    assert locked["version"] == pinned and locked["integrity"].startswith("sha512-")
    assert f"JsSIP {pinned} (MIT)" in banner


def test_every_bundled_package_brings_its_licence():
    licences = (VENDOR / "jssip.LICENSE.txt").read_text()
    for package in ("jssip", "debug", "ms", "events", "sdp-transform"):
        assert re.search(rf"^==== {re.escape(package)} \d+\.\d+\.\d+ \(MIT\)$", licences, re.M), package
    assert licences.count("Permission is hereby granted") >= 5


def test_the_committed_files_match_their_recorded_sums():
    """A hand edit of the bundle fails here; bin/vendor.sh --check also rebuilds and compares."""
    sums = dict(
        reversed(line.split("  ", 1)) for line in (VENDOR / "SHA256SUMS").read_text().splitlines() if line.strip()
    )
    assert set(sums) == {"jssip.min.js", "jssip.LICENSE.txt"}
    for name, digest in sums.items():
        assert hashlib.sha256((VENDOR / name).read_bytes()).hexdigest() == digest, name
