"""The shared factories, plus what Director tests need: a service's ordered groups, a stored DB password."""

import factory

from acd.models import ServiceGroup
from tests import factories as shared
from tests.factories import AgentFactory, DNISFactory, GroupFactory, IRNFactory, ScriptFactory, SkillFactory

__all__ = [
    "AgentFactory",
    "DatabaseConnectionFactory",
    "DNISFactory",
    "GroupFactory",
    "IRNFactory",
    "ScriptFactory",
    "ServiceFactory",
    "SkillFactory",
]


class ServiceFactory(shared.ServiceFactory):
    """`groups=[...]`: the service's agent groups, in that order."""

    class Meta:
        skip_postgeneration_save = True

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        for position, group in enumerate(extracted or []):
            ServiceGroup.objects.create(service=self, group=group, position=position)


class DatabaseConnectionFactory(shared.DatabaseConnectionFactory):
    """`password="..."`: stored encrypted, as the service would."""

    class Meta:
        skip_postgeneration_save = True

    @factory.post_generation
    def password(self, create, extracted, **kwargs):
        if extracted:
            self.set_password(extracted)
            self.save()
