"""Response shapes every API shares."""

from rest_framework import serializers


class ProblemSerializer(serializers.Serializer):
    """A `core.problems.Problem`: the one shape of a script's or a SQL statement's problem."""

    id = serializers.CharField(help_text="Stable id, e.g. scripts.E001 or sql.E003.")
    message = serializers.CharField(help_text="What is wrong and how to fix it.")
    node = serializers.CharField(allow_null=True, help_text="The script node concerned, if any.")
    param = serializers.CharField(allow_null=True, help_text="The node's parameter concerned, if any.")
    line = serializers.IntegerField(allow_null=True, help_text="The SQL statement's line (1-based), if any.")
    column = serializers.IntegerField(allow_null=True, help_text="The SQL statement's column (1-based), if any.")
    hint = serializers.CharField(allow_blank=True, help_text="What to do, when the message alone cannot say it.")
    level = serializers.ChoiceField(choices=["error", "warning"], help_text="error: refused; warning: shown.")
