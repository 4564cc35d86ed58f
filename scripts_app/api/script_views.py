"""The script actions beyond CRUD: validate, publish, versions, rollback, export, import, simulate.

Thin: each parses its request, calls `scripts_app.services.scripts` (or the simulator) and shapes the answer.
Service errors (ValidationError) become HTTP 400 in `core.api.exceptions`.
"""

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from scripts_app.api import script_serializers as s
from scripts_app.api.serializers import ScriptSerializer
from scripts_app.models import Script
from scripts_app.runtime.simulate import simulate_script  # written beside the interpreter
from scripts_app.services import scripts as script_services


class ScriptActionsMixin:
    get_object: Any
    get_serializer: Any

    @extend_schema(request=s.ScriptValidateSerializer, responses=s.ScriptValidationSerializer)
    @action(detail=True, methods=["post"])
    def validate(self, request: Request, pk: str | None = None) -> Response:
        """The validator's errors for the saved draft, or for `graph` when one is posted (nothing is saved)."""
        body = s.ScriptValidateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        script: Script = self.get_object()
        graph = body.validated_data.get("graph", script.graph)
        errors = script_services.graph_errors(graph, name=script.name)
        data = {"valid": not errors, "errors": [e.as_dict() for e in errors]}
        return Response(s.ScriptValidationSerializer(data).data)

    @extend_schema(request=s.ScriptPublishSerializer, responses={201: s.ScriptVersionSerializer})
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, pk: str | None = None) -> Response:
        """Freeze the draft as the next version and make it current; 400 with the errors if it does not validate."""
        body = s.ScriptPublishSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        version = script_services.script_publish(
            script=self.get_object(), user=request.user, comment=body.validated_data["comment"]
        )
        return Response(s.ScriptVersionSerializer(version).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=s.ScriptVersionSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def versions(self, request: Request, pk: str | None = None) -> Response:
        """Every published version, newest first: who published it, when, with what comment."""
        versions = self.get_object().versions.select_related("script", "published_by")
        return Response(s.ScriptVersionSerializer(versions, many=True).data)

    @extend_schema(request=s.ScriptRollbackSerializer, responses={201: s.ScriptVersionSerializer})
    @action(detail=True, methods=["post"])
    def rollback(self, request: Request, pk: str | None = None) -> Response:
        """Make an older version current again, as a new version "rollback of vN" (the draft is unchanged)."""
        body = s.ScriptRollbackSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        version = script_services.script_rollback(
            script=self.get_object(),
            version=body.validated_data["version"],
            user=request.user,
            comment=body.validated_data["comment"],
        )
        return Response(s.ScriptVersionSerializer(version).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "version", OpenApiTypes.INT, description="Export this published version instead of the draft."
            )
        ],
        responses=s.ScriptExportSerializer,
    )
    @action(detail=True, methods=["get"], filter_backends=[])
    def export(self, request: Request, pk: str | None = None) -> Response:
        """The script as import JSON: {name, description, parameters, graph} (the draft, or `?version=N`)."""
        script: Script = self.get_object()
        number = request.query_params.get("version")
        if number is None:
            return Response(script.export_data())
        version = script.versions.filter(number=number).first() if number.isdigit() else None
        if version is None:
            raise ValidationError({"version": [f"Script '{script}' has no version {number}."]})
        return Response(version.export_data())

    @extend_schema(request=s.ScriptImportSerializer, responses={201: ScriptSerializer})
    @action(detail=False, methods=["post"], url_path="import", url_name="import")
    def import_script(self, request: Request) -> Response:
        """Create a script from export JSON, as a draft to publish afterwards.

        With `replace`, the draft of the script with the same name is overwritten instead.
        """
        body = s.ScriptImportSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        replace = data.pop("replace")
        script = script_services.script_import(data=data, replace=replace)
        return Response(self.get_serializer(script).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.ScriptSimulateSerializer, responses=s.ScriptSimulationSerializer)
    @action(detail=True, methods=["post"])
    def simulate(self, request: Request, pk: str | None = None) -> Response:
        """Run the published script with a console caller: typed digits in, what is heard, the trace and profile out."""
        body = s.ScriptSimulateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        script: Script = self.get_object()
        if script.current_version_id is None:
            raise ValidationError({"non_field_errors": [f"Publish script '{script}' before simulating it."]})

        data = body.validated_data
        result = simulate_script(
            script, digits=data["digits"], ani=data["ani"], dnis=data["dnis"], fields=data["fields"]
        )
        return Response(result)
