"""Release codes (why an agent is not ready) and wrap-up codes (how a call ended), configured per installation.

An agent releases or wraps up with one of the active codes (or none); the code is kept in the agent's live
state and in the ACD's history (AcdEvent), and `productive` tells reports whether the time counts as work.
"""

from django.core.validators import RegexValidator
from django.db import models

_CODE = RegexValidator(
    r"^[A-Za-z0-9_.-]{1,32}$", "A code is 1 to 32 letters, digits, '_', '.' or '-', e.g. LUNCH or sale-1."
)


class AgentCode(models.Model):
    code = models.CharField(
        max_length=32, unique=True, validators=[_CODE], help_text="What agents pick and reports show."
    )
    name = models.CharField(max_length=100, help_text="Shown to the agent, e.g. Lunch break.")
    productive = models.BooleanField(
        default=False, help_text="Counts as productive time in reports (e.g. training, a sale)."
    )
    active = models.BooleanField(default=True, help_text="Inactive codes stay in history but cannot be picked.")

    class Meta:
        abstract = True
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} ({self.name})"


class ReleaseCode(AgentCode):
    class Meta(AgentCode.Meta):
        verbose_name = "release code"


class WrapUpCode(AgentCode):
    class Meta(AgentCode.Meta):
        verbose_name = "wrap-up code"
