"""Scripts: drafts saved with their errors, publishing into numbered versions, rollback, import.

Every interface writes through here: the generic `ScriptService` (create / update / delete, used by
the Director, the admin and the REST API) and the actions below.

- A draft must be well-formed graph JSON (else a ValidationError on "graph" with the path to the bad
  element); validator errors (unknown action, unwired exit, …) are kept in `draft_errors`.
- Publishing validates the draft against the current configuration, refuses with the errors, or
  freezes it as version n+1 and makes it current. Rollback publishes a copy of an older version.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from core.problems import Problem
from core.services import ConfigService, RefusedWithProblems, register, service_for
from scripts_app.engine.validate import validate_graph_json
from scripts_app.models import Script, ScriptVersion
from scripts_app.models.script import graph_format_error
from scripts_app.runtime.env import build_validation_env

#: Keys of the import/export JSON.
EXPORT_KEYS = ("name", "description", "parameters", "graph")


def graph_errors(graph: Any, *, name: str = "") -> list[Problem]:
    """The validator's findings on `graph` (decoded JSON) in today's configuration.

    Raises ValidationError on "graph" (path and message) when the JSON is not a well-formed graph.
    """

    problem = graph_format_error(graph)
    if problem is not None:
        raise ValidationError({"graph": problem})
    return validate_graph_json(graph, build_validation_env(), name=name)


def _refused(errors: list[Problem], **more: str) -> RefusedWithProblems:
    return RefusedWithProblems({**more, "graph": [str(error) for error in errors]}, errors)


@register
class ScriptService(ConfigService[Script]):
    """Saves the draft: `graph` must be well-formed; its validator errors are stored, not raised."""

    model = Script

    def prepare(self, instance: Script, data: dict[str, Any], *, creating: bool) -> None:
        if graph_format_error(instance.graph) is None:
            instance.draft_errors = [e.as_dict() for e in graph_errors(instance.graph, name=instance.name)]
        # else: full_clean() reports the malformed graph beside the other field errors


def script_save_draft(*, script: Script | None = None, data: Mapping[str, Any]) -> Script:
    """Create a script (script=None) or change its draft; `data` keys: name, description, graph, parameters."""
    service = service_for(Script)
    if script is None:
        return service.create(data=dict(data))
    return service.update(instance=script, data=dict(data))


def _freeze(script: Script, *, graph: Any, user: Any, comment: str) -> ScriptVersion:
    """Version n+1 of the locked `script`, made current."""
    latest = script.versions.aggregate(latest=Max("number"))["latest"] or 0
    version = ScriptVersion(
        script=script, number=latest + 1, graph=graph, published_by=_user_or_none(user), comment=comment
    )
    version.full_clean(exclude=["script", "published_by"])
    version.save()
    script.current_version = version
    script.save(update_fields=["current_version"])
    return version


def _user_or_none(user: Any) -> Any:
    return user if user is not None and getattr(user, "is_authenticated", False) else None


def script_publish(*, script: Script, user: Any = None, comment: str = "") -> ScriptVersion:
    """Freeze the draft as the next version and make it current; refused (ValidationError on "graph",
    one "scripts.E0xx …: message" per error) while the validator finds errors. The draft's errors are
    refreshed either way.
    """
    with transaction.atomic():
        locked = Script.objects.select_for_update().get(pk=script.pk)
        errors = graph_errors(locked.graph, name=locked.name)
        locked.draft_errors = [e.as_dict() for e in errors]
        locked.save(update_fields=["draft_errors"])
        version = None if errors else _freeze(locked, graph=locked.graph, user=user, comment=comment)
    script.draft_errors = locked.draft_errors
    if version is None:
        raise _refused(errors)
    script.current_version = version
    return version


def script_rollback(*, script: Script, version: int, user: Any = None, comment: str = "") -> ScriptVersion:
    """Make version number `version` current again by publishing a copy of it ("rollback of vN").

    The draft is left as it is. Refused when that version no longer validates (e.g. it uses a
    database connection deleted since), or when it is already the current version.
    """
    with transaction.atomic():
        locked = Script.objects.select_for_update().get(pk=script.pk)
        source = locked.versions.filter(number=version).first()
        if source is None:
            raise ValidationError({"version": f"Script '{locked}' has no version {version}."})
        if source.pk == locked.current_version_id:
            raise ValidationError({"version": f"v{version} is already the current version."})
        errors = graph_errors(source.graph, name=locked.name)
        if errors:
            raise _refused(errors, version=f"v{version} cannot be made current again: it does not validate any more.")
        note = f"rollback of v{version}" + (f": {comment}" if comment else "")
        new = _freeze(locked, graph=source.graph, user=user, comment=note[:255])
    script.current_version = new
    return new


def script_import(*, data: Mapping[str, Any], replace: bool = False) -> Script:
    """A script from export JSON ({name, description, parameters, graph}), saved as a draft (not published).

    With `replace`, a script of the same name has its draft, description and parameters replaced;
    otherwise that name is refused as taken.
    """
    if not isinstance(data, Mapping):
        raise ValidationError("An exported script is a JSON object with name, description, parameters and graph.")
    unknown = sorted(set(data) - set(EXPORT_KEYS))
    if unknown:
        raise ValidationError({key: "Unknown key in an exported script." for key in unknown})
    existing = Script.objects.filter(name=data.get("name")).first() if replace else None
    return script_save_draft(script=existing, data=data)
