"""Script graphs for the model, API and Director tests (JSON form, as the interfaces exchange them)."""

from typing import Any


def greeting(prompt: str = "welcome") -> dict[str, Any]:
    """A valid one-node script: play a prompt, then end."""
    return {
        "start": "hello",
        "nodes": [{"id": "hello", "action": "play_prompt", "params": {"prompts": [prompt]}, "exits": {"next": None}}],
    }


def two_steps() -> dict[str, Any]:
    """A valid two-node script: play a prompt, wait, end."""
    return {
        "start": "hello",
        "nodes": [
            {"id": "hello", "action": "play_prompt", "params": {"prompts": ["welcome"]}, "exits": {"next": "pause"}},
            {"id": "pause", "action": "wait", "params": {"seconds": 2}, "exits": {"next": None}},
        ],
    }


def unknown_action() -> dict[str, Any]:
    """Well-formed, but node 'oops' uses an action that does not exist (a validator error, scripts.E003)."""
    graph = greeting()
    graph["nodes"][0]["exits"]["next"] = "oops"
    graph["nodes"].append({"id": "oops", "action": "fly_to_moon", "params": {}, "exits": {}})
    return graph


def uses_connection(name: str) -> dict[str, Any]:
    """SQLConnect to the Database Connection `name` (unknown connection: scripts.E012)."""
    return {
        "start": "connect",
        "nodes": [
            {
                "id": "connect",
                "action": "sql_connect",
                "params": {"connection": name},
                "exits": {"success": None, "timeout": None, "failure": None},
            }
        ],
    }


def malformed() -> dict[str, Any]:
    """Not a graph: node 0's exit is a number (GraphFormatError at nodes[0].exits.next)."""
    return {"start": "hello", "nodes": [{"id": "hello", "action": "play_prompt", "exits": {"next": 5}}]}


MALFORMED_MESSAGE = "nodes[0].exits.next: must be a node id or null"
