from django.utils.html import format_html

from acd.models import Service
from director.crud.config import Column, CrudPage
from director.forms.routing import DNISForm, IRNForm, ServiceForm
from director.pages.render import chips, destination, or_none, yes_no
from routing.models import DNIS, IRN


def _irn_destination(irn: IRN) -> str:
    return destination(
        irn.destination_kind,
        service=irn.destination_service,
        script=irn.destination_script,
        device=irn.destination_device,
    )


IRNS = CrudPage(
    key="irns",
    model=IRN,
    form_class=IRNForm,
    title="IRNs",
    singular="IRN",
    nav_path=("Routing",),
    intro="Intelligent Routing Numbers: dial numbers that enter the routing system and send calls to a service, "
    "a call control script or a device.",
    list_queryset=lambda: IRN.objects.select_related(
        "destination_service", "destination_script", "fallback_service", "dnis"
    ),
    columns=(
        Column("Dial number", lambda i: i.number, "strong mono"),
        Column("Name", lambda i: or_none(i.name)),
        Column("Destination", _irn_destination),
        Column("Fallback service", lambda i: or_none(i.fallback_service)),
        Column("DNIS", lambda i: or_none(i.dnis and i.dnis.number)),
    ),
)

DNIS_PAGE = CrudPage(
    key="dnis",
    model=DNIS,
    form_class=DNISForm,
    title="DNIS",
    singular="DNIS",
    nav_path=("Routing",),
    intro="Dialed numbers counted in statistics; define each IRN as a DNIS too.",
    list_queryset=lambda: DNIS.objects.prefetch_related("irns"),
    columns=(
        Column("Number", lambda d: d.number, "strong mono"),
        Column("Name", lambda d: or_none(d.name)),
        Column("IRNs", lambda d: chips(irn.number for irn in d.irns.all())),
    ),
)


def _overflow(service: Service) -> str:
    if not service.overflow_kind:
        return or_none(None)
    arrow = destination(
        service.overflow_kind,
        service=service.overflow_service,
        script=service.overflow_script,
        device=service.overflow_device,
    )
    if not service.max_queue_time:
        return arrow
    return format_html('<span class="muted">after {} s</span> {}', service.max_queue_time, arrow)


def _no_agent(service: Service) -> str:
    return destination(
        service.no_agent_kind,
        service=service.no_agent_service,
        script=service.no_agent_script,
        device=service.no_agent_device,
    )


SERVICES = CrudPage(
    key="services",
    model=Service,
    form_class=ServiceForm,
    title="Services",
    singular="Service",
    nav_path=("Routing",),
    intro="Services queue calls for agent groups, tried in order, with music on hold and announcements. "
    "Changes reach the live ACD as soon as they are saved.",
    list_queryset=lambda: Service.objects.select_related(
        "overflow_service", "overflow_script", "no_agent_service", "no_agent_script"
    ).prefetch_related("service_groups__group"),
    columns=(
        Column("Name", lambda s: s.name, "strong"),
        Column("Priority", lambda s: s.priority, "num"),
        Column("Agent groups", lambda s: chips((row.group for row in s.service_groups.all()), numbered=True)),
        Column("Agent selection", lambda s: s.get_strategy_display()),
        Column("Queue limit", _overflow),
        Column("No agent", _no_agent),
        Column("Own music on hold", lambda s: yes_no(bool(s.music_on_hold))),
    ),
)
