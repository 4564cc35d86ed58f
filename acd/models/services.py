"""Services (queues) and the order in which their agent groups are tried."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from calls.models.destinations import DestinationKind, destination_errors, validate_device
from scripts_app.models.parameters import SCRIPT_PARAMETERS_HELP, validate_script_parameters


class Strategy(models.TextChoices):
    """How the ACD picks among available agents (the engine's `acd.engine.STRATEGIES`)."""

    LONGEST_IDLE = "longest_idle", "Longest idle"
    ROUND_ROBIN = "round_robin", "Round robin"
    TOP_DOWN = "top_down", "Top down (group order)"
    FEWEST_CALLS = "fewest_calls", "Fewest calls"
    BEST_SKILL = "best_skill", "Best skill fit"
    RANDOM = "random", "Random"


class NoAnswerState(models.TextChoices):
    RELEASED = "released", "Released"
    AVAILABLE = "available", "Available"


class Service(models.Model):
    name = models.CharField(max_length=100, unique=True)
    description = models.CharField(max_length=255, blank=True)
    priority = models.PositiveSmallIntegerField(
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
        help_text="1 (lowest) to 10 (highest); calls of higher-priority services are served first.",
    )
    groups = models.ManyToManyField("acd.Group", through="acd.ServiceGroup", related_name="services", blank=True)

    strategy = models.CharField(
        "agent selection",
        max_length=20,
        choices=Strategy.choices,
        default=Strategy.LONGEST_IDLE,
        help_text="Which available agent gets the next call. Longest idle: the one who has waited longest since "
        "their last call. Round robin: each agent in turn. Top down: the first available agent in group order, "
        "then in agent number order. Fewest calls: the one who has handled the fewest calls. Best skill fit: the "
        "one with the highest levels in the skills the call needs. Random: any of them.",
    )
    ring_timeout = models.PositiveIntegerField(
        "ring timeout (seconds)",
        default=15,
        validators=[
            MinValueValidator(5, "The ring timeout must be at least 5 seconds."),
            MaxValueValidator(300, "The ring timeout can be at most 300 seconds."),
        ],
        help_text="How long an agent's phone rings before the call counts as not answered and goes to the next "
        "agent. 5 to 300 seconds.",
    )
    no_answer_state = models.CharField(
        "state after no answer",
        max_length=10,
        choices=NoAnswerState.choices,
        default=NoAnswerState.RELEASED,
        help_text="Where an agent who lets a call ring out goes: Released (no more calls until they make "
        "themselves ready) or Available (they get the next call).",
    )
    max_queue_length = models.PositiveIntegerField(
        "maximum queue length",
        default=0,
        help_text="How many calls may wait at once. A call that finds the queue full is not queued; it goes to "
        "the overflow destination if one is set. 0: no limit.",
    )
    no_agent_timeout = models.PositiveIntegerField(
        "no-agent wait (seconds)",
        default=30,
        help_text="How long a call waits when no logged-in agent can take it (nobody is logged in, or nobody has "
        "the skills it needs) before it goes to the no-agent destination. Used only when a no-agent destination "
        "is set.",
    )
    skills_field = models.ForeignKey(
        "calls.CallProfileField",
        verbose_name="required skills field",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text='The call profile field whose value lists the skills a call needs, e.g. "Spanish:5, Billing" '
        "(skill names separated by commas, each with an optional minimum level 1 to 10; level 1 when omitted). "
        "A script sets the field; only agents with every listed skill at that level or higher get the call. "
        "Empty: any agent of the service's groups.",
    )
    callback_abandoned = models.BooleanField(
        "call back abandoned callers",
        default=False,
        help_text="A caller who hangs up while waiting keeps their place in the queue; when their turn comes, "
        "the ACD calls them back on their calling number (ANI) and connects them to the agent.",
    )
    callback_attempts = models.PositiveSmallIntegerField(
        "callback attempts",
        default=3,
        validators=[
            MinValueValidator(1, "Make at least 1 callback attempt."),
            MaxValueValidator(10, "Make at most 10 callback attempts."),
        ],
        help_text="How many times the ACD tries each callback number before giving up. 1 to 10.",
    )
    screen_pop_url = models.CharField(
        "screen-pop URL",
        max_length=500,
        blank=True,
        help_text="The CRM page the agent's desktop opens for a call of this service, with call profile fields as "
        "%Field% tokens, e.g. https://crm.example.com/customer?id=%Customer Number% (each value is URL-encoded). "
        "Empty: no link.",
    )

    max_queue_time = models.PositiveIntegerField(
        "maximum queue time (seconds)",
        null=True,
        blank=True,
        help_text="After this long in queue the call goes to the overflow destination. Empty: no limit.",
    )
    overflow_kind = models.CharField("overflow destination", max_length=10, choices=DestinationKind.choices, blank=True)
    overflow_service = models.ForeignKey(
        "acd.Service", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    overflow_script = models.ForeignKey(
        "scripts_app.Script", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    overflow_device = models.CharField(max_length=200, blank=True, validators=[validate_device])

    no_agent_kind = models.CharField(
        "no-agent destination",
        max_length=10,
        choices=DestinationKind.choices,
        blank=True,
        help_text="Where calls go when no agent of the service's groups is logged in. Empty: wait in queue.",
    )
    no_agent_service = models.ForeignKey(
        "acd.Service", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    no_agent_script = models.ForeignKey(
        "scripts_app.Script", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    no_agent_device = models.CharField(max_length=200, blank=True, validators=[validate_device])

    script = models.ForeignKey(
        "scripts_app.Script",
        verbose_name="IVR application",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="services",
        help_text="IVR application: runs while the call waits in this service's queue.",
    )
    script_parameters = models.JSONField(
        "IVR application parameters",
        default=dict,
        blank=True,
        validators=[validate_script_parameters],
        help_text=SCRIPT_PARAMETERS_HELP,
    )

    music_on_hold = models.FileField(
        upload_to="moh/services/", blank=True, help_text="Empty: the default music on hold of System > Misc."
    )
    welcome_announcement = models.FileField(upload_to="announcements/", blank=True)
    periodic_announcement = models.FileField(upload_to="announcements/", blank=True)
    announcement_interval = models.PositiveIntegerField(
        "announcement interval (seconds)", default=60, validators=[MinValueValidator(10)]
    )
    announce_position = models.BooleanField("announce queue position", default=True)
    announce_wait_time = models.BooleanField("announce expected wait time", default=False)

    #: uploads converted to telephony WAV by the service layer
    AUDIO_FIELDS = ("music_on_hold", "welcome_announcement", "periodic_announcement")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.script_parameters is None:  # an emptied form field
            self.script_parameters = {}
        errors = destination_errors(
            "overflow",
            self.overflow_kind,
            service=self.overflow_service_id,
            script=self.overflow_script_id,
            device=self.overflow_device,
            required=False,
        )
        errors |= destination_errors(
            "no_agent",
            self.no_agent_kind,
            service=self.no_agent_service_id,
            script=self.no_agent_script_id,
            device=self.no_agent_device,
            required=False,
        )
        if self.max_queue_time and not self.overflow_kind:
            errors.setdefault("overflow_kind", "A maximum queue time needs an overflow destination.")
        if self.overflow_kind and not self.max_queue_time:
            errors.setdefault("max_queue_time", "An overflow destination needs a maximum queue time.")
        if self.pk is not None:
            for prefix in ("overflow", "no_agent"):
                if getattr(self, f"{prefix}_service_id") == self.pk:
                    errors[f"{prefix}_service"] = "A service cannot overflow to itself."
        if errors:
            raise ValidationError(errors)


class ServiceGroup(models.Model):
    """The agent groups of a service, in the order the ACD tries them."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="service_groups")
    group = models.ForeignKey("acd.Group", on_delete=models.PROTECT, related_name="service_groups")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["service", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["service", "group"], name="service_group_unique")]

    def __str__(self) -> str:
        return f"{self.service} #{self.position}: {self.group}"

    @property
    def in_use_label(self) -> str:
        return f"service '{self.service}'"
