from django.utils.html import format_html

from calls.models import CallProfileField, FieldKind
from director.crud.config import Column, CrudPage
from director.forms.call_profiles import CallProfileFieldForm
from director.pages.render import code, or_none, yes_no


def _kind(field: CallProfileField) -> str:
    return format_html('<span class="badge badge-{}">{}</span>', field.kind, field.get_kind_display())


# One list of all fields in order; only user fields get edit and delete (mandatory ones are fixed).
CALL_PROFILES = CrudPage(
    key="call_profiles",
    model=CallProfileField,
    form_class=CallProfileFieldForm,
    title="Call Profiles",
    singular="Call profile field",
    nav_path=("System Parameters", "Routing Preferences"),
    intro="Every call carries these fields. Mandatory fields are predefined and cannot be changed; "
    "user fields are yours. Use a field in SQL as %Name%; exported fields reach the agent as _STCC_<Name>.",
    editable=lambda rows: rows.filter(kind=FieldKind.USER),
    columns=(
        Column("Name", lambda f: f.name, "strong"),
        Column("Kind", _kind),
        Column("TAPI property", lambda f: code(f.tapi_property)),
        Column("Data type", lambda f: f.get_data_type_display()),
        Column("Exported", lambda f: yes_no(f.exported)),
        Column("Description", lambda f: or_none(f.description), "description"),
    ),
)
