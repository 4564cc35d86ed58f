"""The three role groups with their permissions; existing users keep what they could do.

Before roles, staff users administered everything: they become Administrators (users linked to an Agent
become Agents in acd's 0009, which knows the Agent).
"""

from django.db import migrations

PERMISSIONS = {
    "configure": "Configure the contact center",
    "monitor": "Monitor queues, calls and agents",
    "force_agent_state": "Force an agent's state",
    "view_reports": "View reports and call history",
    "use_desktop": "Use the agent desktop",
}
ROLE_PERMISSIONS = {
    "Administrators": ["configure", "monitor", "force_agent_state", "view_reports"],
    "Supervisors": ["monitor", "force_agent_state", "view_reports"],
    "Agents": ["use_desktop"],
}


def seed_groups(apps, schema_editor=None) -> None:
    """Also called by tests after a flush (tests/conftest.py), like the mandatory profile fields."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    # Created here, not left to post_migrate, so the groups below can hold them in this migration.
    content_type, _ = ContentType.objects.get_or_create(app_label="core", model="roles")
    for codename, name in PERMISSIONS.items():
        Permission.objects.get_or_create(content_type=content_type, codename=codename, defaults={"name": name})
    for name, codenames in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(*Permission.objects.filter(content_type=content_type, codename__in=codenames))


def seed(apps, schema_editor) -> None:
    seed_groups(apps, schema_editor)
    User = apps.get_model("auth", "User")
    Group = apps.get_model("auth", "Group")
    admins = Group.objects.get(name="Administrators")
    for user in User.objects.filter(is_staff=True):
        user.groups.add(admins)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_roles"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
