# The two set-up commands (see README.md): `make run` and `make test`. Both are idempotent.
.PHONY: run test install install-test prepare lint help

help:
	@echo "make run   install what is missing, migrate, load the demo, start ccweb (Director on :3000)"
	@echo "make test  install what is missing, start the test services, run the whole suite"
	@echo "make lint  ruff, mypy and the layer contracts (import-linter)"

install:
	bin/install.sh run

install-test:
	bin/install.sh test

prepare: install
	bin/services.sh redis
	bin/prepare.sh

run: prepare
	@echo "==> starting ccweb: Director at http://localhost:$${CCWEB_HTTP_PORT:-3000}/ccd"
	exec .venv/bin/honcho -f Procfile start

test: install-test
	bin/services.sh redis mariadb postgresql
	.venv/bin/python manage.py ensure_default_moh
	.venv/bin/pytest

lint: install-test
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/mypy
	.venv/bin/lint-imports
