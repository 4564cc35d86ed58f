"""ACD history: one row per event, for cradle-to-grave reporting (nothing resets on restart).

Service and agent are kept as names/numbers rather than foreign keys: history must outlive a
deleted or renamed service or agent.
"""

from django.db import models
from django.utils import timezone


class AcdEventKind(models.TextChoices):
    QUEUED = "queued"
    OFFERED = "offered"
    ANSWERED = "answered"
    NO_ANSWER = "no_answer"
    ABANDONED = "abandoned"
    OVERFLOWED = "overflowed"
    NO_AGENT = "no_agent"
    CALLBACK_REQUESTED = "callback_requested"
    CALLBACK_MADE = "callback_made"
    CALLBACK_EXPIRED = "callback_expired"
    AGENT_STATE = "agent_state"


class AcdEvent(models.Model):
    at = models.DateTimeField(default=timezone.now, db_index=True)
    kind = models.CharField(max_length=20, choices=AcdEventKind.choices)
    call_id = models.CharField(max_length=64, blank=True, db_index=True)
    service = models.CharField(max_length=100, blank=True)
    agent = models.CharField("agent number", max_length=20, blank=True)
    position = models.PositiveIntegerField(null=True, blank=True, help_text="1-based queue position, if any.")
    wait_seconds = models.FloatField(null=True, blank=True)
    data = models.JSONField(default=dict, blank=True, help_text="Kind-specific details (state, codes, actor).")

    class Meta:
        db_table = "acd_acdevent"  # created by the acd app before the calls app existed
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["agent", "at"], name="acd_event_agent_at")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.kind} {self.call_id or self.agent}"
