"""One service layer for configuration: the Director, the admin and the REST API all save through it.

A `ConfigService` takes plain data keyed by model field names (already parsed by a
form or serializer), applies it inside one transaction, runs the model's full
validation and either saves everything or nothing. Errors are Django
`ValidationError`s keyed by field, which each interface shows beside the field.

`after_commit` names side effects (e.g. reloading a live cache) that run once after the
transaction of a create, update or delete commits, however many saves it holds.
"""

from collections.abc import Callable
from typing import Any, ClassVar, Generic, TypeVar

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models.deletion import ProtectedError, RestrictedError

from core.problems import Problem

M = TypeVar("M", bound=models.Model)

_registry: dict[type[models.Model], "ConfigService[Any]"] = {}


class RefusedWithProblems(ValidationError):
    """A refusal (a publish, a rollback) whose reasons are Problems: `{"field": [sentences]}` like any
    ValidationError, with the problems themselves kept so that the API and the Director render them as
    objects (id, message, node, param, line, column)."""

    def __init__(self, message: dict[str, Any], problems: list[Problem]) -> None:
        super().__init__(message)
        self.problems = problems


def register(service_class: type["ConfigService[M]"]) -> type["ConfigService[M]"]:
    _registry[service_class.model] = service_class()
    return service_class


def service_for(model: type[M]) -> "ConfigService[M]":
    return _registry[model]


def also_after_commit(model: type[models.Model], func: Callable[[], None]) -> None:
    """A higher layer's side effect of saving `model` through its service (the ACD reloads its live
    configuration when a call profile field changes), without the lower app importing the higher one."""
    service_class = type(_registry[model])
    if func not in service_class.after_commit:
        service_class.after_commit = (*service_class.after_commit, func)


class ConfigService(Generic[M]):
    model: ClassVar[type[models.Model]]
    #: keys of `data` that are not model fields but that `save_related` understands
    extra_keys: ClassVar[tuple[str, ...]] = ()
    #: functions to run once after the transaction that saved or deleted through this service commits
    after_commit: ClassVar[tuple[Callable[[], None], ...]] = ()

    def create(self, *, data: dict[str, Any]) -> M:
        return self._save(self.model(), data, creating=True)  # type: ignore[arg-type]

    def update(self, *, instance: M, data: dict[str, Any]) -> M:
        return self._save(instance, data, creating=False)

    def delete(self, *, instance: M) -> None:
        self.check_delete(instance)
        try:
            with transaction.atomic():
                instance.delete()
                self._schedule_after_commit()
        except ProtectedError as exc:
            raise _in_use(instance, exc.protected_objects) from exc
        except RestrictedError as exc:
            raise _in_use(instance, exc.restricted_objects) from exc

    # Hooks for subclasses -------------------------------------------------

    def prepare(self, instance: M, data: dict[str, Any], *, creating: bool) -> None:
        """Set derived values before validation."""

    def save_related(self, instance: M, data: dict[str, Any], *, creating: bool) -> None:
        """Save many-to-many and through rows after the instance has a primary key."""

    def check_delete(self, instance: M) -> None:
        """Raise ValidationError when the instance must not be deleted."""

    # ----------------------------------------------------------------------

    def _save(self, instance: M, data: dict[str, Any], *, creating: bool) -> M:
        fields = self._field_names()
        unknown = set(data) - fields - set(self.extra_keys)
        if unknown:
            raise ValidationError({name: "Unknown field." for name in sorted(unknown)})
        with transaction.atomic():
            for name, value in data.items():
                if name in fields:
                    setattr(instance, name, "" if value is False and self._is_file(name) else value)
            self.prepare(instance, data, creating=creating)
            instance.full_clean()
            instance.save()
            self.save_related(instance, data, creating=creating)
            self._schedule_after_commit()
        return instance

    def _schedule_after_commit(self) -> None:
        for func in self.after_commit:
            on_commit_once(func)

    def _field_names(self) -> set[str]:
        return {
            f.name
            for f in self.model._meta.get_fields()
            if getattr(f, "concrete", False) and not f.many_to_many and not f.auto_created and f.editable
        }

    def _is_file(self, name: str) -> bool:
        return isinstance(self.model._meta.get_field(name), models.FileField)


def on_commit_once(func: Callable[[], None]) -> None:
    """`transaction.on_commit(func, robust=True)` unless `func` already waits for this transaction's commit.

    Django drops the callbacks of a rolled-back savepoint from the pending list, so a function
    registered there and rolled back is registered again by the next caller. Robust: the data
    is committed by then, so a failing side effect is logged rather than failing the save.
    """
    if any(pending is func for _, pending, _ in transaction.get_connection().run_on_commit):
        return
    transaction.on_commit(func, robust=True)


def _in_use(instance: models.Model, users: Any) -> ValidationError:
    # Link rows (a service's group list) name the object a person edits, via `in_use_label`.
    names = ", ".join(sorted({getattr(obj, "in_use_label", f"{obj._meta.verbose_name} '{obj}'") for obj in users}))
    return ValidationError(
        f"{instance._meta.verbose_name.capitalize()} '{instance}' cannot be deleted: it is used by {names}."
    )
