"""An SVG drawing of a script graph, rendered on the server (no JavaScript, no external library).

Layered layout: the start node on top, each node one row below the first node that reaches it
(breadth-first, exits in their written order); nodes no path reaches go in a last row. Exits are
labelled arrows: down to the next rows, curving round the right-hand side when they lead back up
or sideways, a short stub ending in a dot when they end the script (null).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from scripts_app.engine.actions import get_action
from scripts_app.engine.graph import Graph, GraphFormatError, parse_graph

NODE_W, NODE_H = 180, 50
H_GAP, V_GAP = 36, 84
MARGIN = 24
BACK_EDGE_OFFSET = 46
LABEL_CHARS = 24


@dataclass(frozen=True)
class Box:
    x: float
    y: float

    @property
    def cx(self) -> float:
        return self.x + NODE_W / 2

    @property
    def bottom(self) -> float:
        return self.y + NODE_H


def layers(graph: Graph) -> list[list[str]]:
    """Node ids row by row: breadth-first from the start; unreachable nodes in one last row."""
    depth: dict[str, int] = {}
    if graph.start in graph.nodes:
        depth[graph.start] = 0
        queue = deque([graph.start])
        while queue:
            node_id = queue.popleft()
            for target in graph.nodes[node_id].exits.values():
                if target is not None and target in graph.nodes and target not in depth:
                    depth[target] = depth[node_id] + 1
                    queue.append(target)
    rows: list[list[str]] = [[] for _ in range(max(depth.values(), default=-1) + 1)]
    for node_id, row in depth.items():  # insertion order = discovery order
        rows[row].append(node_id)
    unreached = [node_id for node_id in graph.nodes if node_id not in depth]
    if unreached:
        rows.append(unreached)
    return rows


def _short(text: str) -> str:
    return text if len(text) <= LABEL_CHARS else text[: LABEL_CHARS - 1] + "…"


def _title(action_name: str) -> str:
    action = get_action(action_name)
    return action.title if action is not None else action_name


def _error_nodes(errors: Iterable[Mapping[str, Any]]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for error in errors:
        if error.get("node"):
            found.setdefault(str(error["node"]), []).append(f"{error.get('id', '')}: {error.get('message', '')}")
    return found


def render_graph_svg(data: Any, *, errors: Iterable[Mapping[str, Any]] = ()) -> SafeString:
    """The drawing of graph JSON `data`; nodes named in `errors` ({node, id, message}) are highlighted."""
    try:
        graph = parse_graph(data)
    except GraphFormatError as exc:
        return format_html('<p class="graph-unavailable">No drawing: the graph JSON is malformed ({}).</p>', exc)
    rows = layers(graph)
    width = max(len(row) for row in rows) * (NODE_W + H_GAP) - H_GAP + 2 * MARGIN + BACK_EDGE_OFFSET * 2
    height = len(rows) * (NODE_H + V_GAP) - V_GAP + 2 * MARGIN + 30
    boxes: dict[str, Box] = {}
    row_of: dict[str, int] = {}
    for r, row in enumerate(rows):
        row_width = len(row) * (NODE_W + H_GAP) - H_GAP
        left = (width - BACK_EDGE_OFFSET - row_width) / 2
        for i, node_id in enumerate(row):
            boxes[node_id] = Box(left + i * (NODE_W + H_GAP), MARGIN + r * (NODE_H + V_GAP))
            row_of[node_id] = r
    bad = _error_nodes(errors)
    edges = [_edges(graph, node_id, boxes, row_of) for node_id in graph.nodes]
    nodes = [_node(graph, node_id, boxes[node_id], bad.get(node_id, [])) for node_id in graph.nodes]
    return format_html(
        '<svg class="script-graph" xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{}" '
        'width="{}" height="{}" viewBox="0 0 {} {}">'
        '<defs><marker id="graph-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" '
        'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z"/></marker></defs>'
        '<g class="edges">{}</g><g class="nodes">{}</g></svg>',
        f"Script graph: {len(graph.nodes)} nodes",
        int(width),
        int(height),
        int(width),
        int(height),
        mark_safe("".join(edges)),  # built from escaped parts below
        mark_safe("".join(nodes)),
    )


def _node(graph: Graph, node_id: str, box: Box, problems: list[str]) -> str:
    node = graph.nodes[node_id]
    css = "node" + (" start" if node_id == graph.start else "") + (" has-error" if problems else "")
    tooltip = "\n".join([f"{_title(node.action)} ({node_id})", *problems])
    return str(
        format_html(
            '<g class="{}" data-node="{}"><title>{}</title>'
            '<rect x="{}" y="{}" width="{}" height="{}" rx="7"/>'
            '<text class="node-title" x="{}" y="{}" text-anchor="middle">{}</text>'
            '<text class="node-id" x="{}" y="{}" text-anchor="middle">{}</text></g>',
            css,
            node_id,
            tooltip,
            _n(box.x),
            _n(box.y),
            NODE_W,
            NODE_H,
            _n(box.cx),
            _n(box.y + 21),
            _short(_title(node.action)),
            _n(box.cx),
            _n(box.y + 39),
            _short(node_id),
        )
    )


def _edges(graph: Graph, node_id: str, boxes: Mapping[str, Box], row_of: Mapping[str, int]) -> str:
    source = boxes[node_id]
    exits = list(graph.nodes[node_id].exits.items())
    parts: list[str] = []
    back = 0
    for index, (name, target) in enumerate(exits):
        # Exits leave from points spread along the bottom edge, in their written order; labels that sit
        # by their exit point alternate between two heights so that neighbours do not overlap.
        x0 = source.x + NODE_W * (index + 1) / (len(exits) + 1)
        y0 = source.bottom
        near = (x0, y0 + 13 + (index % 2) * 12)
        if target is None or target not in boxes:
            css = "edge end" if target is None else "edge dangling"
            y1 = y0 + 30
            mark = (
                format_html('<circle cx="{}" cy="{}" r="4"/>', _n(x0), _n(y1 + 4))
                if target is None
                else format_html('<text class="dangling" x="{}" y="{}">?</text>', _n(x0 + 4), _n(y1 + 8))
            )
            parts.append(_edge(css, name, target, f"M{_n(x0)},{_n(y0)} L{_n(x0)},{_n(y1)}", near, mark))
            continue
        dest = boxes[target]
        if row_of[target] > row_of[node_id]:
            # Down to a later row: an S-curve into the top of the target.
            x1, y1 = dest.cx, dest.y
            mid = (y0 + y1) / 2
            curve = ((x0, y0), (x0, mid), (x1, mid), (x1, y1))
            parts.append(_edge("edge", name, target, _cubic(curve), near))
        elif row_of[target] == row_of[node_id] and target != node_id:
            # Sideways within a row: a dip under the row into the bottom of the target.
            x1, y1 = dest.cx, dest.bottom
            curve = ((x0, y0), (x0, y0 + 44), (x1, y1 + 44), (x1, y1))
            parts.append(_edge("edge side", name, target, _cubic(curve), near))
        else:
            # Back up (or to itself): round the right-hand side into the target's right edge.
            back += 1
            right = max(source.x, dest.x) + NODE_W + BACK_EDGE_OFFSET * min(back, 3) / 1.5
            x1, y1 = dest.x + NODE_W, dest.y + NODE_H / 2
            path = (
                f"M{_n(x0)},{_n(y0)} C{_n(x0)},{_n(y0 + 30)} {_n(right)},{_n(y0 + 30)} {_n(right)},{_n(y0 - 10)} "
                f"S{_n(right)},{_n(y1)} {_n(x1)},{_n(y1)}"
            )
            parts.append(_edge("edge back", name, target, path, near))
    return "".join(parts)


Point = tuple[float, float]


def _cubic(curve: tuple[Point, Point, Point, Point]) -> str:
    (xa, ya), (xb, yb), (xc, yc), (xd, yd) = curve
    return f"M{_n(xa)},{_n(ya)} C{_n(xb)},{_n(yb)} {_n(xc)},{_n(yc)} {_n(xd)},{_n(yd)}"


def _edge(css: str, name: str, target: str | None, path: str, label: Point, extra: str = "") -> str:
    arrow = ' marker-end="url(#graph-arrow)"' if "end" not in css.split() and "dangling" not in css else ""
    return (
        f'<g class="{escape(css)}" data-exit="{escape(name)}" data-target="{escape(target or "")}">'
        f'<path d="{path}"{arrow}/>{extra}'
        f'<text class="edge-label" x="{_n(label[0])}" y="{_n(label[1])}" text-anchor="middle">'
        f"{escape(_short(name))}</text></g>"
    )


def _n(value: float) -> str:
    return f"{value:.0f}"
