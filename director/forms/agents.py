"""Routing > Groups, Agents and Skills."""

from typing import Any

from django import forms

from acd.models import Agent, Group, ReleaseCode, Skill, WrapUpCode
from director.forms.base import DirectorModelForm
from director.forms.fields import LevelledModelChoiceField


class GroupForm(DirectorModelForm):
    class Meta:
        model = Group
        fields = ["name", "description", "wrap_up_seconds"]


class SkillForm(DirectorModelForm):
    class Meta:
        model = Skill
        fields = ["name", "description"]


class ReleaseCodeForm(DirectorModelForm):
    class Meta:
        model = ReleaseCode
        fields = ["code", "name", "productive", "active"]


class WrapUpCodeForm(DirectorModelForm):
    class Meta:
        model = WrapUpCode
        fields = ["code", "name", "productive", "active"]


class AgentForm(DirectorModelForm):
    skills = LevelledModelChoiceField(
        Skill.objects.all(),
        key="skill",
        required=False,
        label="Skills",
        help_text="Tick the agent's skills and give each a level from 1 (basic) to 10 (expert).",
    )

    class Meta:
        model = Agent
        fields = ["number", "name", "extension", "user", "groups"]
        labels = {"extension": "Extension (registered user or SIP URI)", "user": "Login user"}
        widgets = {"groups": forms.CheckboxSelectMultiple, "extension": forms.TextInput(attrs={"class": "wide"})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            rows = self.instance.agent_skills.select_related("skill")
            self.initial.setdefault("skills", [{"skill": row.skill, "level": row.level} for row in rows])
