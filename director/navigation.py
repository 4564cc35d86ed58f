"""The navigation tree of the guide (System Parameters > External Interfaces > Database Connections, ...).

Built from the pages' `nav_path`, so a page and its place in the tree cannot disagree; a user sees the leaves
whose view's `access` lets them in (core.access), so the tree and the checks cannot disagree either.
"""

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django.http import HttpRequest
from django.urls import resolve, reverse

from core.roles import Access

# Leaves that are not CRUD pages: (branches, label, URL name).
EXTRA_LEAVES: tuple[tuple[tuple[str, ...], str, str], ...] = (
    (("System Parameters", "External Interfaces"), "Query Tester", "director:query_tester"),
    (("Routing",), "Scripts", "director:scripts_list"),
    (("System",), "Misc", "director:system_misc"),
    (("Monitoring",), "Live Queues", "director:live_queues"),
)


@dataclass
class NavNode:
    label: str
    url: str = ""
    children: list["NavNode"] = field(default_factory=list)
    active: bool = False  # this leaf, or a branch holding it, is the current page

    @property
    def is_branch(self) -> bool:
        return bool(self.children)


def _leaves() -> list[tuple[tuple[str, ...], str, str]]:
    from director.pages import PAGES  # pages import forms and models: keep settings import cheap

    leaves = [(page.nav_path, page.title, f"director:{page.key}_list") for page in PAGES]
    return leaves + list(EXTRA_LEAVES)


def view_access(url: str) -> Access | None:
    """The `access` the view at `url` declared (None: it declared none)."""
    func = resolve(url).func
    return getattr(getattr(func, "view_class", func), "access", None)


def build_tree(path: str, user: Any = None) -> list[NavNode]:
    """The tree of what `user` may open, with the branch chain of the leaf whose URL prefixes `path` active."""
    roots: list[NavNode] = []
    for branches, label, url_name in _leaves():
        url = reverse(url_name)
        access = view_access(url)
        if access is None or access.refusal(user, "GET"):
            continue
        level = roots
        for branch in branches:
            node = next((n for n in level if n.label == branch and n.is_branch), None)
            if node is None:
                node = NavNode(branch)
                level.append(node)
            level = node.children
        level.append(NavNode(label, url=url))
    _mark_active(roots, path)
    return roots


def _mark_active(nodes: list[NavNode], path: str) -> bool:
    for node in nodes:
        if node.is_branch:
            node.active = _mark_active(node.children, path)
        else:
            node.active = path.startswith(node.url)
        if node.active:
            return True
    return False


def breadcrumbs(tree: list[NavNode]) -> list[NavNode]:
    """The active chain from root to leaf (empty on pages outside the tree, such as the home page)."""
    chain: list[NavNode] = []
    nodes = tree
    while True:
        node = next((n for n in nodes if n.active), None)
        if node is None:
            return chain
        chain.append(node)
        nodes = node.children


class Navigation:
    """Computed on first use only, so pages that never show the tree (admin, API) pay nothing."""

    def __init__(self, path: str, user: Any = None) -> None:
        self.path = path
        self.user = user

    @cached_property
    def tree(self) -> list[NavNode]:
        return build_tree(self.path, self.user)

    @cached_property
    def breadcrumbs(self) -> list[NavNode]:
        return breadcrumbs(self.tree)


def navigation(request: HttpRequest) -> dict[str, Any]:
    """Context processor (settings.TEMPLATES): the Director's navigation for the current page."""
    return {"director_nav": Navigation(request.path, getattr(request, "user", None))}
