"""Write actions for the ACD's configuration; importing this package registers the services and plugs the
ACD into the layers below it (they import nothing of the ACD)."""

from acd.cti import publish as cti
from acd.models import Service
from acd.services import agent_codes, agents, cti_webhooks, service_config, users  # noqa: F401
from acd.services.live_config import sync_live_config
from calls.services.call_events import call_events
from calls.services.profile_fields import CallProfileFieldService
from core.services import also_after_commit
from scripts_app.runtime.config_port import configuration

# a service's skills field goes by name: changing or deleting a call profile field reloads the live ACD
also_after_commit(CallProfileFieldService.model, sync_live_config)
configuration.service_names = lambda: frozenset(Service.objects.values_list("name", flat=True))
# a closed call record is the CTI stream's `ended` event, whatever closed it (docs/cti.md)
call_events.call_ended = cti.call_ended
