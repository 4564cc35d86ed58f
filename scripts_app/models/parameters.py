"""Script parameters: the guide's "IVR application parameters", a JSON object of name -> value.

A script declares defaults; an IRN or a service that runs the script may override them.
"""

from typing import Any

from django.core.exceptions import ValidationError

#: Values a parameter may hold (JSON text, number or true/false; no lists, objects or null).
SCALARS = (str, int, float, bool)


def validate_script_parameters(value: Any) -> None:
    """Raise ValidationError unless `value` is a JSON object of non-empty names to text, numbers or true/false."""
    if not isinstance(value, dict):
        raise ValidationError(
            'Parameters must be a JSON object of name: value pairs, e.g. {"Greeting": "welcome"}.',
            code="not_object",
        )
    for name, item in value.items():
        if not isinstance(name, str) or not name.strip():
            raise ValidationError("Every parameter needs a non-empty name.", code="blank_name")
        if not isinstance(item, SCALARS):
            raise ValidationError(
                f"The value of parameter '{name}' must be text, a number or true/false.",
                code="bad_value",
            )


SCRIPT_PARAMETERS_HELP = (
    "Values for the script's parameters, as a JSON object of name: value; names left out keep the script's defaults."
)
