from django.contrib.auth import get_user_model
from django.utils.html import format_html

from core.roles import stored_role
from director.crud.config import Column, CrudPage
from director.forms.users import UserForm
from director.pages.render import or_none

User = get_user_model()


def _agent(user: object) -> object:
    agent = getattr(user, "agent", None)
    return or_none(agent and f"{agent.number} {agent.name}")


def _state(user: object) -> object:
    return "Active" if user.is_active else format_html('<span class="muted">Inactive</span>')  # type: ignore[attr-defined]


USERS = CrudPage(
    key="users",
    model=User,
    form_class=UserForm,
    title="Users",
    singular="User",
    nav_path=("System",),
    intro="Who may use ccweb: administrators configure, supervisors monitor and report, agents use their desktop, "
    "integrators (other applications' accounts) read the CTI event stream.",
    list_queryset=lambda: User.objects.select_related("agent").prefetch_related("groups").order_by("username"),
    columns=(
        Column("User name", lambda u: u.get_username(), "strong"),
        Column("Name", lambda u: or_none(u.get_full_name())),
        Column("Role", lambda u: or_none(stored_role(u) and stored_role(u).label)),
        Column("Acts as agent", _agent),
        Column("State", _state),
    ),
    deletable=False,
    object_links=(("Set password", "director:users_password"),),
)
