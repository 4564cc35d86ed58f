"""Agents, the groups they log into and the skills they have."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models

from core.validators import validate_agent_extension


class Skill(models.Model):
    name = models.CharField(max_length=64, unique=True)
    description = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Group(models.Model):
    name = models.CharField(max_length=100, unique=True)
    description = models.CharField(max_length=255, blank=True)
    wrap_up_seconds = models.PositiveIntegerField(
        "wrap-up time (seconds)", default=0, help_text="Time agents of this group get after each ACD call."
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Agent(models.Model):
    number = models.CharField(
        "agent number",
        max_length=20,
        unique=True,
        validators=[RegexValidator(r"^\d+$", "An agent number is digits only, e.g. 1001.")],
    )
    name = models.CharField(max_length=100)
    extension = models.CharField(
        max_length=200,
        validators=[validate_agent_extension],
        help_text=(
            "Digits of a phone that registers here (e.g. 1001: a desk phone or the browser phone, with the "
            "agent's SIP password), or a static SIP URI the ACD calls, e.g. sip:1001@pbx.example.com."
        ),
    )
    # Fernet ciphertext (core.crypto) of the digest password a registering phone uses; blank = none yet.
    # Never returned by the API or the admin: the Director shows it once, right after generating it.
    sip_password = models.TextField("SIP password (encrypted)", blank=True, default="", editable=False)
    sip_password_set_at = models.DateTimeField("SIP password generated", null=True, blank=True, editable=False)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="agent",
        verbose_name="login user",
    )
    groups = models.ManyToManyField(Group, related_name="agents", blank=True)
    skills = models.ManyToManyField(Skill, through="acd.AgentSkill", related_name="agents", blank=True)

    class Meta:
        ordering = ["number"]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"


class AgentSkill(models.Model):
    agent = models.ForeignKey(Agent, on_delete=models.CASCADE, related_name="agent_skills")
    skill = models.ForeignKey(Skill, on_delete=models.PROTECT, related_name="agent_skills")
    level = models.PositiveSmallIntegerField(
        default=5, validators=[MinValueValidator(1), MaxValueValidator(10)], help_text="1 (basic) to 10 (expert)."
    )

    class Meta:
        ordering = ["agent", "skill__name"]
        constraints = [models.UniqueConstraint(fields=["agent", "skill"], name="agent_skill_unique")]

    def __str__(self) -> str:
        return f"{self.agent.number}: {self.skill} ({self.level})"
