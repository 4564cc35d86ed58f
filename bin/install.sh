#!/usr/bin/env bash
# Install what ccweb needs when it is missing: Debian packages, the virtualenv, Python requirements.
# Usage: bin/install.sh run|test      (test adds the browser, the database servers and the test tools)
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-run}
PYTHON=${PYTHON:-python3}

packages=(redis-server redis-tools unixodbc unixodbc-dev odbc-mariadb odbc-postgresql libsqliteodbc tdsodbc
          sip-tester espeak-ng sox libsox-fmt-all ca-certificates)
if [ "$mode" = test ]; then
    packages+=(chromium nodejs mariadb-server mariadb-client postgresql postgresql-client)
fi
"$PYTHON" -c 'import venv, ensurepip' 2>/dev/null || packages+=(python3-venv python3-dev)

missing=()
for pkg in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "==> installing Debian packages: ${missing[*]}"
    sudo_cmd=(); [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
    "${sudo_cmd[@]}" apt-get update -q
    DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

if [ ! -x .venv/bin/python ]; then
    echo "==> creating .venv"
    "$PYTHON" -m venv .venv
    .venv/bin/pip install -q --upgrade pip
fi

requirements=requirements.txt
[ "$mode" = test ] && requirements=requirements-dev.txt
stamp=.venv/.installed-$mode
want=$(cat requirements.txt requirements-dev.txt | sha256sum | cut -c1-64)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    echo "==> installing Python requirements ($requirements)"
    .venv/bin/pip install --progress-bar on -r "$requirements"
    echo "$want" > "$stamp"
fi
