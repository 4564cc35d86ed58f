"""factory_boy factories for configuration rows (they bypass the service layer: use them for fixtures)."""

import factory

from acd.models import Agent, Group, Service, Skill
from routing.models import DNIS, IRN
from scripts_app.models import DatabaseConnection, Script


class SkillFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Skill

    name = factory.Sequence(lambda n: f"Skill {n}")


class GroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Group

    name = factory.Sequence(lambda n: f"Group {n}")


class AgentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agent

    number = factory.Sequence(lambda n: f"{2000 + n}")
    name = factory.Sequence(lambda n: f"Agent {n}")
    extension = factory.LazyAttribute(lambda a: f"sip:{a.number}@127.0.0.1")


class ServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Service

    name = factory.Sequence(lambda n: f"Service {n}")


class DNISFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DNIS

    number = factory.Sequence(lambda n: f"{6000 + n}")
    name = factory.Sequence(lambda n: f"DNIS {n}")


class ScriptFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Script

    name = factory.Sequence(lambda n: f"Script {n}")


class IRNFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IRN

    number = factory.Sequence(lambda n: f"{7000 + n}")
    name = factory.Sequence(lambda n: f"IRN {n}")
    destination_kind = "service"
    destination_service = factory.SubFactory(ServiceFactory)


class DatabaseConnectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DatabaseConnection

    name = factory.Sequence(lambda n: f"Connection {n}")
    dsn = "Driver=SQLite3;Database=/tmp/ccweb-test.sqlite"
    database_type = "sqlite"
