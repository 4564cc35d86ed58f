"""Call control scripts: a draft graph that is edited freely, and published versions that calls run.

The draft may hold validator errors (listed in `draft_errors`, recomputed on every save); it must
still be well-formed graph JSON (`scripts_app.engine.graph.parse_graph`). Publishing freezes the
draft into a numbered `ScriptVersion` and makes it `current_version`; a call keeps the version it
started with.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models

from scripts_app.engine.graph import GraphFormatError, parse_graph
from scripts_app.models.parameters import validate_script_parameters


def starter_graph() -> dict[str, Any]:
    """The graph of a new script: one node that hangs up (edit it into something useful)."""
    return {"start": "end", "nodes": [{"id": "end", "action": "hang_up", "params": {}, "exits": {}}]}


def graph_format_error(graph: Any) -> str | None:
    """The path and message of the first malformed element of `graph` (decoded JSON), or None if well-formed."""
    try:
        parse_graph(graph)
    except GraphFormatError as error:
        return str(error)
    return None


class Script(models.Model):
    name = models.CharField(max_length=100, unique=True)
    description = models.CharField(max_length=255, blank=True)
    graph = models.JSONField(
        "draft graph",
        default=starter_graph,
        blank=True,  # an empty graph is reported by clean() as malformed, with the reason
        help_text="The draft: {start, nodes: [{id, action, params, exits}]}. Saved even with errors; "
        "calls run the published version.",
    )
    parameters = models.JSONField(
        default=dict,
        blank=True,
        validators=[validate_script_parameters],
        help_text="IVR application parameters: default values, as a JSON object of name: value. "
        "An IRN or a service running the script may override them.",
    )
    #: the validator's findings on the draft: [{"id", "message", "node", "param"}]; set by the service layer
    draft_errors = models.JSONField(default=list, blank=True, editable=False)
    current_version = models.ForeignKey(
        "scripts_app.ScriptVersion",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The published version new calls run.",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.parameters is None:
            self.parameters = {}
        problem = graph_format_error(self.graph)
        if problem is not None:
            raise ValidationError({"graph": problem})

    def export_data(self) -> dict[str, Any]:
        """The import/export JSON of the draft: {name, description, parameters, graph}."""
        return {
            "name": self.name,
            "description": self.description,
            "parameters": dict(self.parameters or {}),
            "graph": self.graph,
        }
