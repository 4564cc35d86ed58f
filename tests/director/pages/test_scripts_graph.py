"""The SVG drawing of a script graph: layered from the start node, labelled exits, error nodes highlighted."""

import re

from director.pages.script_graph import layers, render_graph_svg
from scripts_app.engine.graph import parse_graph
from tests.scripts_app.models_and_services import graphs


def _node(node_id, action="play_prompt", **exits):
    return {"id": node_id, "action": action, "params": {}, "exits": exits}


LOOP = {
    "start": "a",
    "nodes": [
        _node("a", next="b"),
        _node("b", action="menu", **{"1": "c", "2": "a", "timeout": None}),
        _node("c", next="missing"),
        _node("lonely", next=None),
    ],
}


def test_layers_follow_breadth_first_order_with_unreachable_nodes_last():
    """Start on row 0, each node one row below its first reacher; unreachable nodes in a last row."""
    assert layers(parse_graph(LOOP)) == [["a"], ["b"], ["c"], ["lonely"]]


def test_layers_without_a_valid_start_put_everything_in_one_row():
    """A start that names no node leaves every node unreachable: one row, in written order."""
    graph = parse_graph({"start": "nowhere", "nodes": [_node("x"), _node("y")]})
    assert layers(graph) == [["x", "y"]]


def test_every_node_and_exit_is_drawn():
    """A group per node (data-node) and per exit (data-exit, data-target), back and end edges marked."""
    svg = str(render_graph_svg(LOOP))
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert re.findall(r'data-node="([^"]+)"', svg) == ["a", "b", "c", "lonely"]
    edges = re.findall(r'<g class="([^"]+)" data-exit="([^"]*)" data-target="([^"]*)"', svg)
    assert sorted(edges) == sorted(
        [
            ("edge", "next", "b"),  # a -> b, down a row
            ("edge", "1", "c"),
            ("edge back", "2", "a"),  # b -> a goes back up, round the side
            ("edge end", "timeout", ""),  # null ends the script
            ("edge dangling", "next", "missing"),  # c -> a node that does not exist
            ("edge end", "next", ""),  # lonely -> end
        ]
    )
    assert '<g class="node start" data-node="a">' in svg


def test_nodes_show_the_action_title_and_id():
    """Known actions are labelled with their title (Play Prompt); unknown ones with their name."""
    svg = str(render_graph_svg(graphs.unknown_action()))
    assert ">Play Prompt<" in svg and ">hello<" in svg and ">fly_to_moon<" in svg


def test_nodes_with_errors_are_highlighted_with_the_message_as_tooltip():
    """Nodes named by an error get class has-error and the message in their <title>."""
    errors = [{"id": "scripts.E003", "message": "Unknown action 'fly_to_moon'.", "node": "oops", "param": None}]
    svg = str(render_graph_svg(graphs.unknown_action(), errors=errors))
    assert '<g class="node has-error" data-node="oops"><title>' in svg
    assert "scripts.E003: Unknown action &#x27;fly_to_moon&#x27;." in svg
    assert '<g class="node start" data-node="hello">' in svg


def test_text_is_escaped():
    """Action names and exit names come from users: they are escaped in the SVG."""
    graph = {"start": "a", "nodes": [{"id": "a", "action": "<b>x</b>", "exits": {'"><script>': None}}]}
    svg = str(render_graph_svg(graph))
    assert "<b>" not in svg and "<script>" not in svg
    assert "&lt;b&gt;x&lt;/b&gt;" in svg


def test_a_malformed_graph_gets_a_sentence_instead_of_a_drawing():
    """No SVG, but the reason (path and message)."""
    html = str(render_graph_svg(graphs.malformed()))
    assert "<svg" not in html and graphs.MALFORMED_MESSAGE in html


def test_long_labels_are_shortened():
    """Labels longer than the box are cut with an ellipsis."""
    svg = str(render_graph_svg({"start": "a" * 40, "nodes": [_node("a" * 40, next=None)]}))
    assert ">" + "a" * 23 + "…<" in svg
