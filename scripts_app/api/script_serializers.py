"""Request and response shapes of the script actions (validate, publish, versions, rollback, import, simulate)."""

from django.core.validators import RegexValidator
from rest_framework import serializers

from core.api.serializers import ProblemSerializer
from scripts_app.models import ScriptVersion

GRAPH_HELP = (
    'The action graph: {"start": node id, "nodes": [{"id", "action", "params": {…}, "exits": {exit: node id '
    'or null}}], "apology_prompt": optional}.'
)


class ScriptVersionSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = ScriptVersion
        fields = ["id", "number", "published_at"]


class ScriptVersionSerializer(serializers.ModelSerializer):
    published_by = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True, help_text="Who published it."
    )
    is_current = serializers.SerializerMethodField(help_text="Whether new calls run this version.")

    class Meta:
        model = ScriptVersion
        fields = ["id", "number", "published_at", "published_by", "comment", "is_current", "graph"]
        read_only_fields = fields

    def get_is_current(self, version: ScriptVersion) -> bool:
        return version.script.current_version_id == version.pk


class ScriptValidateSerializer(serializers.Serializer):
    graph = serializers.JSONField(required=False, help_text="A graph to check instead of the saved draft.")


class ScriptValidationSerializer(serializers.Serializer):
    valid = serializers.BooleanField(help_text="True when there are no errors: the graph could be published.")
    errors = ProblemSerializer(many=True)


class ScriptPublishSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, max_length=255, default="")


class ScriptRollbackSerializer(serializers.Serializer):
    version = serializers.IntegerField(min_value=1, help_text="The number of the version to make current again.")
    comment = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")


class ScriptExportSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    description = serializers.CharField(required=False, allow_blank=True, max_length=255)
    parameters = serializers.JSONField(required=False, help_text="IVR application parameters (defaults).")
    graph = serializers.JSONField(help_text=GRAPH_HELP)


class ScriptImportSerializer(ScriptExportSerializer):
    replace = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Replace the draft of the script with this name, if there is one (else the name is refused).",
    )


class ScriptSimulateSerializer(serializers.Serializer):
    digits = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=100,
        validators=[RegexValidator(r"^[0-9*#]*$", "Digits are 0-9, * and #.")],
        help_text="What the caller types, in order, e.g. 1001#.",
    )
    ani = serializers.CharField(required=False, allow_blank=True, default="", max_length=32)
    dnis = serializers.CharField(required=False, allow_blank=True, default="", max_length=32)

    def get_fields(self) -> dict[str, serializers.Field]:
        # "fields" is the request key, but also the name of a Serializer property: declare it here.
        fields = super().get_fields()
        fields["fields"] = serializers.DictField(
            child=serializers.CharField(allow_blank=True),
            required=False,
            default=dict,
            help_text="Call profile fields set before the script starts: name -> value.",
        )
        return fields


class ScriptSimulationSerializer(serializers.Serializer):
    script = serializers.CharField(help_text="The script's name.")
    version = serializers.IntegerField(help_text="The number of the version that ran (the one in force).")
    outcome = serializers.CharField(
        help_text="How the script ended: queued, transferred, hung_up, completed, fallback."
    )
    destination = serializers.CharField(allow_blank=True, help_text="The service or transfer target handed to.")
    heard = serializers.ListField(child=serializers.CharField(), help_text="What the caller would hear, in order.")
    trace = serializers.ListField(child=serializers.DictField(), help_text="Every step: node, action, exit, timing.")
    profile = serializers.DictField(child=serializers.CharField(allow_blank=True), help_text="The final call profile.")
