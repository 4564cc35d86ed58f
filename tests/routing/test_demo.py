"""The demo loads through the service layer and can be loaded again without change."""

import sqlite3

import pytest

from acd.models import Agent, Service
from routing.demo.loader import load_demo
from routing.models import IRN

pytestmark = pytest.mark.django_db


def test_demo_loads_once_and_is_idempotent(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    created = load_demo()
    assert "service Stocks" in created and "database connection Demo CRM" in created
    assert load_demo() == []
    main = IRN.objects.get(number="5000")
    assert main.destination_service.name == "Customer Care" and main.dnis.number == "5000"
    assert [sg.group.name for sg in Service.objects.get(name="Bonds").service_groups.all()] == [
        "Bond Specialists",
        "Customer Care",
    ]
    assert Agent.objects.get(number="1002").agent_skills.get(skill__name="Spanish").level == 10
    with sqlite3.connect(tmp_path / "demo" / "crm.sqlite") as db:
        rows = db.execute("SELECT customer_id, customer_type, balance FROM customers ORDER BY 1").fetchall()
    assert [(r[0], r[1], str(r[2])) for r in rows] == [(1001, "STOCKS", "2500.75"), (1002, "BONDS", "100")]


def test_demo_leaves_administrator_edits_alone(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    load_demo()
    Service.objects.filter(name="Bonds").update(priority=2)
    load_demo()
    assert Service.objects.get(name="Bonds").priority == 2
