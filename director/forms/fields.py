"""Form fields for ordered and levelled choices, cleaned into what the services take."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet

from director.forms.widgets import ChoiceRowsWidget


class _ChoiceRowsField(forms.ModelMultipleChoiceField):
    """Common part: (pk, number) pairs from ChoiceRowsWidget, checked against the queryset."""

    def _objects(self, pairs: list[tuple[str, str]]) -> dict[str, Model]:
        if self.required and not pairs:
            raise ValidationError(self.error_messages["required"], code="required")
        if not pairs:
            return {}
        return {str(obj.pk): obj for obj in self._check_values([pk for pk, _ in pairs])}

    def prepare_value(self, value: Any) -> Any:
        # Called with one model instance per choice (by ModelChoiceIterator) and with the whole value.
        if not isinstance(value, (list, tuple, QuerySet)):
            return super().prepare_value(value)
        if all(isinstance(item, (tuple, list)) for item in value):
            return [(str(pk), str(number)) for pk, number in value]
        return self.pairs_from_value(list(value))

    def pairs_from_value(self, value: list[Any]) -> list[tuple[str, str]]:
        raise NotImplementedError


class OrderedModelChoiceField(_ChoiceRowsField):
    """Pick objects and give each a position; cleans to the list of objects in position order."""

    def __init__(self, queryset: QuerySet[Any], **kwargs: Any) -> None:
        kwargs.setdefault("widget", ChoiceRowsWidget(number_name="position", number_label="Position", sortable=True))
        super().__init__(queryset, **kwargs)

    def pairs_from_value(self, value: list[Any]) -> list[tuple[str, str]]:
        return [(str(obj.pk), str(position)) for position, obj in enumerate(value, start=1)]

    def clean(self, value: Any) -> list[Model]:
        pairs = list(value or [])
        objects = self._objects(pairs)
        keyed = []
        for index, (pk, raw) in enumerate(pairs):
            if raw == "":
                position = float("inf")  # picked without a number: after the numbered ones
            else:
                try:
                    position = int(raw)
                except ValueError:
                    raise ValidationError(
                        f"The position of '{objects[pk]}' must be a whole number.", code="position"
                    ) from None
            keyed.append((position, index, pk))
        return [objects[pk] for _, _, pk in sorted(keyed)]


class LevelledModelChoiceField(_ChoiceRowsField):
    """Pick objects and give each a level; cleans to [{key: object, "level": int}, ...]."""

    def __init__(
        self,
        queryset: QuerySet[Any],
        *,
        key: str,
        min_level: int = 1,
        max_level: int = 10,
        default_level: int = 5,
        **kwargs: Any,
    ) -> None:
        self.key, self.min_level, self.max_level = key, min_level, max_level
        kwargs.setdefault(
            "widget",
            ChoiceRowsWidget(
                number_name="level",
                number_label="Level",
                number_min=min_level,
                number_max=max_level,
                number_default=default_level,
            ),
        )
        super().__init__(queryset, **kwargs)

    def pairs_from_value(self, value: list[Any]) -> list[tuple[str, str]]:
        return [(str(row[self.key].pk), str(row["level"])) for row in value]

    def clean(self, value: Any) -> list[dict[str, Any]]:
        pairs = list(value or [])
        objects = self._objects(pairs)
        rows = []
        for pk, raw in pairs:
            try:
                level = int(raw)
            except ValueError:
                level = None
            if level is None or not self.min_level <= level <= self.max_level:
                raise ValidationError(
                    f"The level of '{objects[pk]}' must be a whole number from {self.min_level} to {self.max_level}.",
                    code="level",
                )
            rows.append({self.key: objects[pk], "level": level})
        return rows
