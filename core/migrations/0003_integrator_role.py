"""The fourth role, Integrators: another application's account that reads the CTI event stream (/ws/cti/)
and nothing else. Administrators and Supervisors, who could open the stream before, keep it (`read_cti`).
"""

from django.db import migrations

PERMISSION = ("read_cti", "Read the CTI event stream")
GROUPS = ("Administrators", "Supervisors", "Integrators")


def seed_groups(apps, schema_editor=None) -> None:
    """Also called by tests after a flush (tests/conftest.py), after 0002's `seed_groups`."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    content_type, _ = ContentType.objects.get_or_create(app_label="core", model="roles")
    codename, name = PERMISSION
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type, codename=codename, defaults={"name": name}
    )
    for group_name in GROUPS:
        group, _ = Group.objects.get_or_create(name=group_name)
        group.permissions.add(permission)


def unseed(apps, schema_editor) -> None:
    """Back to three roles: integrators lose their role (the permission goes with the group's)."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    Group.objects.filter(name="Integrators").delete()
    Permission.objects.filter(content_type__app_label="core", codename=PERMISSION[0]).delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0002_role_groups")]

    operations = [
        migrations.AlterModelOptions(
            name="roles",
            options={
                "managed": False,
                "default_permissions": (),
                "permissions": [
                    ("configure", "Configure the contact center"),
                    ("monitor", "Monitor queues, calls and agents"),
                    ("force_agent_state", "Force an agent's state"),
                    ("view_reports", "View reports and call history"),
                    ("use_desktop", "Use the agent desktop"),
                    PERMISSION,
                ],
            },
        ),
        migrations.RunPython(seed_groups, unseed),
    ]
