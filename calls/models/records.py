"""Call records: one per call, from arrival to hang-up (cradle to grave with the ACD's events).

Numbers and names are copied rather than linked: a record must outlive a deleted IRN or service.
"""

from django.db import models
from django.utils import timezone

from calls.models.history import AcdEvent


class CallOutcome(models.TextChoices):
    ACTIVE = "active", "in progress"
    COMPLETED = "completed"
    ABANDONED = "abandoned", "abandoned (caller hung up first)"
    REJECTED = "rejected"  # refused at once, e.g. 404: no IRN for the number
    FAILED = "failed", "failed (our error; the caller heard the apology)"
    ENDED_BY_FAILURE = "ended_by_failure"  # its media process died


class CallRecord(models.Model):
    call_id = models.CharField("Call ID", max_length=64, unique=True)
    sw_call_guid = models.CharField("SW Call GUID", max_length=255, blank=True, db_index=True)
    direction = models.CharField(
        max_length=10, default="inbound", choices=[("inbound", "inbound"), ("outbound", "outbound")]
    )
    ani = models.CharField("ANI", max_length=64, blank=True)
    dnis = models.CharField("DNIS", max_length=64, blank=True, db_index=True)
    irn = models.CharField("IRN", max_length=32, blank=True)
    service = models.CharField(max_length=100, blank=True)
    agent = models.CharField("agent number", max_length=20, blank=True)
    owner = models.CharField(
        "media process", max_length=100, blank=True, db_index=True, help_text="The process that owned the call."
    )
    started_at = models.DateTimeField(default=timezone.now, db_index=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=20, choices=CallOutcome.choices, default=CallOutcome.ACTIVE)
    sip_status = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Final SIP status, if any.")
    reason = models.CharField(max_length=255, blank=True)
    profile = models.JSONField(default=dict, blank=True, help_text="The final call profile.")
    trace = models.JSONField(default=list, blank=True, help_text="The script's steps.")

    class Meta:
        db_table = "acd_callrecord"  # created by the acd app before the calls app existed
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["outcome", "owner"], name="call_record_outcome_owner")]

    def __str__(self) -> str:
        return f"{self.call_id} {self.ani} -> {self.dnis} ({self.outcome})"

    @property
    def acd_events(self) -> models.QuerySet:
        """The ACD's events of this call (queued, offered, answered, …), in order."""
        return AcdEvent.objects.filter(call_id=self.call_id).order_by("at", "id")
