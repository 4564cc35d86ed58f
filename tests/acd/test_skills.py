"""acd.skills: the required-skills text of a call ("Spanish:5, Billing") and the service's skills field."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from acd.skills import SkillsSyntaxError, parse_required_skills, required_skills_for


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Spanish:5, Billing", {"Spanish": 5, "Billing": 1}),
        ("Spanish:5;Billing:10", {"Spanish": 5, "Billing": 10}),
        ("  Spanish : 5 ,, Billing ;  ", {"Spanish": 5, "Billing": 1}),
        ("Stock trades:2", {"Stock trades": 2}),
        ("Billing:3, Billing:7, Billing", {"Billing": 7}),
        ("", {}),
        (" , ; ", {}),
    ],
)
def test_parse_required_skills(text, expected):
    """Commas or semicolons separate skills; spaces do not matter; no level means 1; a repeat keeps the highest."""
    assert parse_required_skills(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Billing:x", "The level of skill 'Billing' must be a whole number from 1 to 10, not 'x'."),
        ("Billing:", "The level of skill 'Billing' must be a whole number from 1 to 10, not ''."),
        ("Billing:0", "The level of skill 'Billing' must be from 1 to 10, not 0."),
        ("Spanish:5, Billing:11", "The level of skill 'Billing' must be from 1 to 10, not 11."),
        ("Billing:-1", "not '-1'"),
        ("Billing:²", "not '²'"),
        (":5", "':5' has no skill name"),
        ("Spanish, :", "':' has no skill name"),
    ],
)
def test_bad_input_names_the_skill_and_the_fix(text, message):
    with pytest.raises(SkillsSyntaxError) as caught:
        parse_required_skills(text)
    assert message in str(caught.value)
    assert isinstance(caught.value, ValueError)


names = st.text(st.characters(blacklist_characters=",;:", blacklist_categories=("Cs",)), min_size=1).filter(
    lambda s: s.strip() == s and s
)


@given(st.dictionaries(names, st.integers(1, 10), max_size=6), st.sampled_from([",", ";", " , ", "; "]))
def test_written_skills_read_back(skills, separator):
    """Any skills written in the documented form parse back to themselves (level 1 may be left out)."""
    text = separator.join(name if level == 1 else f"{name}:{level}" for name, level in skills.items())
    assert parse_required_skills(text) == skills


def test_required_skills_come_from_the_services_field():
    profile = {"Language": "Spanish:5, Billing", "ANI": "5551234"}
    assert required_skills_for({"skills_field": "Language"}, profile) == {"Spanish": 5, "Billing": 1}
    assert required_skills_for({"skills_field": ""}, profile) == {}
    assert required_skills_for({}, profile) == {}
    assert required_skills_for({"skills_field": "Missing"}, profile) == {}
    with pytest.raises(SkillsSyntaxError):
        required_skills_for({"skills_field": "ANI"}, {"ANI": "x:y"})
