"""The navigation tree mirrors the guide's menu paths, with the current page's branches open."""

import pytest
from django.urls import reverse

from director.navigation import breadcrumbs, build_tree
from tests.director.html import nav_labels

GUIDE_TREE = [
    (
        "System Parameters",
        [
            ("External Interfaces", ["Database Connections", "Query Tester"]),
            ("Routing Preferences", ["Call Profiles"]),
        ],
    ),
    (
        "Routing",
        ["IRNs", "DNIS", "Services", "Groups", "Agents", "Skills", "Release Codes", "Wrap-up Codes", "Scripts"],
    ),
    ("System", ["Users", "CTI Webhooks", "Misc"]),
    ("Monitoring", ["Live Queues"]),
]


def _shape(nodes):
    return [(n.label, _shape(n.children)) if n.is_branch else n.label for n in nodes]


@pytest.mark.django_db
def test_tree_has_the_guide_labels_in_order(admin_user):
    """System Parameters > External Interfaces > Database Connections, ... System > Misc, Monitoring > Live Queues."""
    assert _shape(build_tree("/ccd/", admin_user)) == GUIDE_TREE


@pytest.mark.django_db
def test_leaves_link_to_their_list_pages(admin_user):
    """Each leaf links to its page: e.g. Database Connections to the database connection list."""
    tree = build_tree("/ccd/", admin_user)
    database_connections = tree[0].children[0].children[0]
    misc = tree[2].children[2]
    assert database_connections.url == reverse("director:database_connections_list")
    assert misc.url == reverse("director:system_misc")


@pytest.mark.django_db
def test_only_the_branch_chain_of_the_current_page_is_active(admin_user):
    """On an edit page below Database Connections, that leaf and its two branches are active, nothing else."""
    tree = build_tree("/ccd/database-connections/3/edit/", admin_user)
    crumbs = breadcrumbs(tree)
    assert [node.label for node in crumbs] == ["System Parameters", "External Interfaces", "Database Connections"]
    assert not tree[1].active and not tree[2].active and not tree[3].active
    assert not tree[0].children[1].active


@pytest.mark.django_db
def test_home_page_has_no_active_branch(admin_user):
    """Outside the tree (the home page) no branch is open and there are no breadcrumbs."""
    tree = build_tree("/ccd/", admin_user)
    assert not any(node.active for node in tree)
    assert breadcrumbs(tree) == []


@pytest.mark.django_db
def test_rendered_tree_opens_the_current_branch(staff_client):
    """The page shows the whole tree; the current page's branches are rendered open and the leaf marked current."""
    response = staff_client.get(reverse("director:call_profiles_list"))
    html = response.content.decode()
    assert nav_labels(html) == [
        "System Parameters", "External Interfaces", "Database Connections", "Query Tester",
        "Routing Preferences", "Call Profiles",
        "Routing", "IRNs", "DNIS", "Services", "Groups", "Agents", "Skills", "Release Codes", "Wrap-up Codes",
        "Scripts",
        "System", "Users", "CTI Webhooks", "Misc",
        "Monitoring", "Live Queues",
    ]  # fmt: skip
    assert "<details open>\n    <summary>Routing Preferences</summary>" in html
    assert "<details>\n    <summary>Routing</summary>" in html
    assert f'<a href="{reverse("director:call_profiles_list")}" aria-current="page">Call Profiles</a>' in html


@pytest.mark.django_db
def test_each_role_sees_only_what_it_may_open(role_user):
    """A supervisor's tree is Monitoring > Live Queues; an agent's is empty (its desktop is elsewhere), and so
    is an integrator's (the CTI stream is not a page: the home page points to it)."""
    assert _shape(build_tree("/ccd/", role_user("supervisor"))) == [("Monitoring", ["Live Queues"])]
    assert _shape(build_tree("/ccd/", role_user("agent"))) == []
    assert _shape(build_tree("/ccd/", role_user("integrator"))) == []
