"""Rows of choices with a number: what they read from a POST and how they lay themselves out."""

from django.http import QueryDict

from director.forms.widgets import AudioFileInput, ChoiceRowsWidget


def _widget(**kwargs):
    widget = ChoiceRowsWidget(number_name="position", number_label="Position", **kwargs)
    widget.choices = [("1", "Sales"), ("2", "Support"), ("3", "Billing")]
    return widget


def test_reads_ticked_rows_with_their_numbers():
    data = QueryDict("groups=2&groups=1&groups_1_position=2&groups_2_position=1&groups_3_position=7")
    assert _widget().value_from_datadict(data, {}, "groups") == [("2", "1"), ("1", "2")]


def test_nothing_ticked_reads_as_an_empty_list_not_as_omitted():
    """Unticking every box must clear the list, so the widget never reports the value as omitted."""
    widget = _widget()
    assert widget.value_from_datadict(QueryDict(""), {}, "groups") == []
    assert widget.value_omitted_from_data(QueryDict(""), {}, "groups") is False


def test_sortable_rows_put_picked_ones_first_in_their_order():
    rows = _widget(sortable=True).get_context("groups", [("3", "1"), ("1", "2")], {"id": "id_groups"})["widget"]["rows"]
    assert [(row["label"], row["checked"], row["number"]) for row in rows] == [
        ("Billing", True, "1"), ("Sales", True, "2"), ("Support", False, ""),
    ]  # fmt: skip
    assert rows[0]["number_name"] == "groups_3_position"


def test_unsorted_rows_keep_choice_order_and_default_numbers():
    widget = ChoiceRowsWidget(number_name="level", number_label="Level", number_default=5)
    widget.choices = [("1", "Bonds"), ("2", "Spanish")]
    rows = widget.get_context("skills", [("2", "8")], None)["widget"]["rows"]
    assert [(row["label"], row["checked"], row["number"]) for row in rows] == [
        ("Bonds", False, "5"), ("Spanish", True, "8"),
    ]  # fmt: skip


def test_audio_input_accepts_audio_and_plays_the_current_file():
    widget = AudioFileInput()
    widget.audio_url = "/ccd/services/1/audio/music_on_hold.wav"

    class Stored:
        name = "moh/services/hold.wav"
        url = "/media/moh/services/hold.wav"

    html = widget.render("music_on_hold", Stored())
    assert 'accept="audio/*"' in html
    assert '<audio controls preload="none" src="/ccd/services/1/audio/music_on_hold.wav">' in html
    assert "hold.wav" in html and "/media/" not in html
