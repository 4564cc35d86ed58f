"""Call control scripts, as routing destinations.

The action graph, versions and the interpreter arrive with the scripts issue; this
model is what IRNs and services point at, so routing can be configured first.
"""

from django.db import models


class Script(models.Model):
    name = models.CharField(max_length=100, unique=True)
    description = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
