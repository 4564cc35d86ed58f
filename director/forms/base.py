"""Shared by Director forms: fieldsets, fields shown only for one choice, the model's own minimums."""

from typing import Any, ClassVar

from django import forms
from django.core.exceptions import FieldDoesNotExist
from django.core.validators import MinValueValidator


class DirectorModelForm(forms.ModelForm):
    """`fieldsets` groups fields under headings; fields it forgets still render, at the end."""

    fieldsets: ClassVar[list[tuple[str, list[str]]]] = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        adopt_model_minimums(self)

    def fieldset_list(self) -> list[tuple[str, list[forms.BoundField]]]:
        bound = {bf.name: bf for bf in self}
        groups = [(title, [bound[n] for n in names if n in bound]) for title, names in self.fieldsets]
        placed = {name for _, names in self.fieldsets for name in names}
        rest = [bf for name, bf in bound.items() if name not in placed]
        if rest or not groups:
            groups.append(("", rest))
        return [(title, fields) for title, fields in groups if fields]


def adopt_model_minimums(form: forms.ModelForm) -> None:
    """Check a model's declared minimum in the form, with its message ("Timeout must be at least 1 second.").

    Without this a positive integer field first says "greater than or equal to 0" and
    only a second attempt shows the model's real limit.
    """
    for name, field in form.fields.items():
        if not isinstance(field, forms.IntegerField):
            continue
        try:
            model_field = form._meta.model._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        declared = [v for v in getattr(model_field, "_validators", []) if isinstance(v, MinValueValidator)]
        if not declared:
            continue
        field.validators = [v for v in field.validators if not isinstance(v, MinValueValidator)] + declared
        field.min_value = max(v.limit_value for v in declared)
        field.widget.attrs["min"] = field.min_value


def show_only_when(form: forms.Form, field_name: str, controller: str, value: str) -> None:
    """Show `field_name` only while the select `controller` has `value` (director.js does the hiding)."""
    if field_name in form.fields:
        form.fields[field_name].show_when = (controller, value)  # type: ignore[attr-defined]


def link_destination(form: forms.Form, prefix: str) -> None:
    """A destination is `<prefix>_kind` plus one target per kind; show only the target the kind needs."""
    for target in ("service", "script", "device"):
        show_only_when(form, f"{prefix}_{target}", f"{prefix}_kind", target)
