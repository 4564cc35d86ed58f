"""A published, frozen copy of a script's graph. Versions are never edited: calls refer to them by id."""

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone


class ScriptVersion(models.Model):
    script = models.ForeignKey("scripts_app.Script", on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(help_text="1, 2, 3, … per script, in publishing order.")
    graph = models.JSONField()
    published_at = models.DateTimeField(default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    comment = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["script", "-number"]
        constraints = [models.UniqueConstraint(fields=["script", "number"], name="script_version_number_unique")]

    def __str__(self) -> str:
        return f"{self.script} v{self.number}"

    @property
    def label(self) -> str:
        return f"v{self.number}"

    def export_data(self) -> dict[str, Any]:
        """The import/export JSON of this version (the script's current name, description and parameters)."""
        return {**self.script.export_data(), "graph": self.graph}
