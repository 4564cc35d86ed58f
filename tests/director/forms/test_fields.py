"""Ordered and levelled choices clean into what the services take."""

import pytest
from django.core.exceptions import ValidationError

from acd.models import Group, Skill
from director.forms.fields import LevelledModelChoiceField, OrderedModelChoiceField
from tests.director.factories import GroupFactory, SkillFactory

pytestmark = pytest.mark.django_db


def test_ordered_field_sorts_by_position_then_posting_order():
    a, b, c = GroupFactory(name="A"), GroupFactory(name="B"), GroupFactory(name="C")
    field = OrderedModelChoiceField(Group.objects.all(), required=False)
    pairs = [(str(a.pk), ""), (str(b.pk), "2"), (str(c.pk), "2")]
    assert field.clean(pairs) == [b, c, a]


def test_ordered_field_refuses_unknown_objects():
    field = OrderedModelChoiceField(Group.objects.all(), required=False)
    with pytest.raises(ValidationError):
        field.clean([("999", "1")])


def test_ordered_field_required_means_at_least_one():
    field = OrderedModelChoiceField(Group.objects.all(), required=True)
    with pytest.raises(ValidationError, match="required"):
        field.clean([])


def test_ordered_field_renders_initial_objects_as_positions():
    a, b = GroupFactory(), GroupFactory()
    field = OrderedModelChoiceField(Group.objects.all())
    assert field.prepare_value([b, a]) == [(str(b.pk), "1"), (str(a.pk), "2")]
    assert field.prepare_value(a) == a.pk  # one choice at a time, as ModelChoiceIterator asks


def test_levelled_field_cleans_to_skill_rows():
    spanish = SkillFactory(name="Spanish")
    field = LevelledModelChoiceField(Skill.objects.all(), key="skill", required=False)
    assert field.clean([(str(spanish.pk), "10")]) == [{"skill": spanish, "level": 10}]
    assert field.prepare_value([{"skill": spanish, "level": 4}]) == [(str(spanish.pk), "4")]


@pytest.mark.parametrize("level", ["0", "11", "", "2.5"])
def test_levelled_field_refuses_levels_outside_the_range(level):
    spanish = SkillFactory(name="Spanish")
    field = LevelledModelChoiceField(Skill.objects.all(), key="skill", required=False)
    with pytest.raises(ValidationError, match="from 1 to 10"):
        field.clean([(str(spanish.pk), level)])
