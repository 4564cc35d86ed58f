from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies: list = []

    operations = [
        migrations.CreateModel(
            name="Roles",
            fields=[("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID"))],
            options={
                "managed": False,
                "default_permissions": (),
                "permissions": [
                    ("configure", "Configure the contact center"),
                    ("monitor", "Monitor queues, calls and agents"),
                    ("force_agent_state", "Force an agent's state"),
                    ("view_reports", "View reports and call history"),
                    ("use_desktop", "Use the agent desktop"),
                ],
            },
        ),
    ]
