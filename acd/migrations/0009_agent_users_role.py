"""Users linked to an Agent (who acted as that agent before roles) get the agent role, unless staff."""

from django.db import migrations


def agents_role(apps, schema_editor) -> None:
    Agent = apps.get_model("acd", "Agent")
    Group = apps.get_model("auth", "Group")
    agents = Group.objects.get(name="Agents")
    for agent in Agent.objects.filter(user__isnull=False, user__is_staff=False).select_related("user"):
        agent.user.groups.add(agents)


class Migration(migrations.Migration):
    dependencies = [("acd", "0008_models_moved_to_calls_and_routing"), ("core", "0002_role_groups")]

    operations = [migrations.RunPython(agents_role, migrations.RunPython.noop)]
