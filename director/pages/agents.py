from django.db.models import Count

from acd.models import Agent, Group, ReleaseCode, Skill, WrapUpCode
from director.crud.config import Column, CrudPage
from director.forms.agents import AgentForm, GroupForm, ReleaseCodeForm, SkillForm, WrapUpCodeForm
from director.pages.render import chips, code, level_chips, or_none

GROUPS = CrudPage(
    key="groups",
    model=Group,
    form_class=GroupForm,
    title="Groups",
    singular="Group",
    nav_path=("Routing",),
    intro="Agent groups answer the calls of the services they are assigned to.",
    list_queryset=lambda: Group.objects.annotate(agent_count=Count("agents")).prefetch_related("services"),
    columns=(
        Column("Name", lambda g: g.name, "strong"),
        Column("Description", lambda g: or_none(g.description)),
        Column("Wrap-up", lambda g: f"{g.wrap_up_seconds} s", "num"),
        Column("Agents", lambda g: g.agent_count, "num"),
        Column("Services", lambda g: chips(g.services.all())),
    ),
)

SKILLS = CrudPage(
    key="skills",
    model=Skill,
    form_class=SkillForm,
    title="Skills",
    singular="Skill",
    nav_path=("Routing",),
    intro="Skills, with a level per agent, let the ACD pick the best agent for a call.",
    list_queryset=lambda: Skill.objects.annotate(agent_count=Count("agents")),
    columns=(
        Column("Name", lambda s: s.name, "strong"),
        Column("Description", lambda s: or_none(s.description)),
        Column("Agents", lambda s: s.agent_count, "num"),
    ),
)

AGENTS = CrudPage(
    key="agents",
    model=Agent,
    form_class=AgentForm,
    title="Agents",
    singular="Agent",
    nav_path=("Routing",),
    intro="Agents log into groups; the ACD calls them at their extension: a phone that registers here (1001) or a "
    "static SIP URI.",
    list_queryset=lambda: Agent.objects.select_related("user").prefetch_related("groups", "agent_skills__skill"),
    object_links=(("Generate SIP password", "director:agents_sip_password"),),
    columns=(
        Column("Agent number", lambda a: a.number, "strong mono"),
        Column("Name", lambda a: a.name),
        Column("Extension", lambda a: code(a.extension)),
        Column("SIP password", lambda a: or_none("set" if a.sip_password else "")),
        Column("Login user", lambda a: or_none(a.user and a.user.get_username())),
        Column("Groups", lambda a: chips(a.groups.all())),
        Column("Skills", lambda a: level_chips((row.skill, row.level) for row in a.agent_skills.all())),
    ),
)


def _code_columns() -> tuple[Column, ...]:
    return (
        Column("Code", lambda c: c.code, "strong mono"),
        Column("Name", lambda c: c.name),
        Column("Productive", lambda c: "Yes" if c.productive else "No"),
        Column("State", lambda c: "Active" if c.active else "Inactive"),
    )


RELEASE_CODES = CrudPage(
    key="release_codes",
    model=ReleaseCode,
    form_class=ReleaseCodeForm,
    title="Release Codes",
    singular="Release code",
    nav_path=("Routing",),
    intro="Why an agent is not ready (lunch, training, a meeting): agents pick one when they release.",
    columns=_code_columns(),
)

WRAP_UP_CODES = CrudPage(
    key="wrap_up_codes",
    model=WrapUpCode,
    form_class=WrapUpCodeForm,
    title="Wrap-up Codes",
    singular="Wrap-up code",
    nav_path=("Routing",),
    intro="How a call ended (a sale, a complaint, a callback promised): agents pick one in wrap-up.",
    columns=_code_columns(),
)
