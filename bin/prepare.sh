#!/usr/bin/env bash
# Bring the database and generated files up to date: migrate, default music on hold, static files,
# the demo (and its load into the live ACD engine), the administrator. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."
manage() { .venv/bin/python manage.py "$@"; }
manage migrate --no-input -v1
manage ensure_default_moh
manage collectstatic --no-input -v0
manage load_demo
manage acd_sync
manage ensure_admin
