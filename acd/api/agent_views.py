"""Agent state endpoints: /api/agents/{id}/login/, logout/, ready/, release/, wrap-up/, end-wrap-up/,
force/ (staff) and state/. Thin: validation here, the action in acd.services.agent_states."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from acd.models import Agent, Group
from acd.services import agent_states
from acd.services.agent_states import AgentStateError
from core.api.exceptions import ErrorSerializer
from core.api.permissions import RolePermission
from core.roles import NEEDS, SIGNED_IN, Capability, can


class AgentConflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The action does not fit the agent's state."
    default_code = "invalid_transition"


class AgentLiveStateSerializer(serializers.Serializer):
    agent = serializers.CharField(help_text="Agent number.")
    state = serializers.CharField(help_text="logged_out, released, available, reserved, ringing, on_call or wrap_up.")
    code = serializers.CharField(help_text="Release code, if released.", allow_blank=True)
    call = serializers.CharField(help_text="The call reserved for or connected to the agent.", allow_blank=True)


class LoginSerializer(serializers.Serializer):
    group = serializers.PrimaryKeyRelatedField(
        queryset=Group.objects.all(), required=False, allow_null=True, help_text="One group; empty: all groups."
    )
    ready = serializers.BooleanField(default=False, help_text="Become available at once.")


class CodeSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=32, required=False, allow_blank=True, default="")


class ForceSerializer(CodeSerializer):
    state = serializers.ChoiceField(choices=agent_states.FORCEABLE)


AGENT_STATES_NEEDS = "Agent states are for agents (their own), supervisors and administrators."
OWN_AGENT_ONLY = "An agent may only see and change its own state; other agents are for supervisors."


class OwnAgentOrSupervisor(permissions.BasePermission):
    """An agent reads and acts on its own agent only; supervisors and administrators on any agent (reading
    takes monitoring, acting takes forcing agent states). Other roles (an integrator) are refused outright,
    before the method or the agent is looked at."""

    message = OWN_AGENT_ONLY

    def has_permission(self, request: Request, view: Any) -> bool:
        if can(request.user, Capability.USE_DESKTOP) or can(request.user, Capability.MONITOR):
            return True
        self.message = AGENT_STATES_NEEDS
        return False

    def has_object_permission(self, request: Request, view: Any, obj: Agent) -> bool:
        if obj.user_id and obj.user_id == request.user.id:
            return True
        needed = Capability.MONITOR if request.method in permissions.SAFE_METHODS else Capability.FORCE_AGENT_STATE
        return can(request.user, needed)


class ForceAgentState(permissions.BasePermission):
    message = NEEDS[Capability.FORCE_AGENT_STATE]

    def has_permission(self, request: Request, view: Any) -> bool:
        return can(request.user, Capability.FORCE_AGENT_STATE)


_CONFLICT = OpenApiResponse(
    ErrorSerializer,
    description="The action does not fit the agent's state (`code` e.g. invalid_transition or unknown_agent; "
    "`detail` e.g. 'ready is not allowed while the agent is logged_out').",
)
_RESPONSES = {200: AgentLiveStateSerializer, 409: _CONFLICT}


@extend_schema(tags=["agent states"])
class AgentStateViewSet(viewsets.GenericViewSet):
    queryset = Agent.objects.all()
    serializer_class = AgentLiveStateSerializer
    access = SIGNED_IN  # any role; the agent is checked per object
    permission_classes = [RolePermission, OwnAgentOrSupervisor]
    pagination_class = None
    filter_backends: list[Any] = []

    def _run(self, func: Any, **kwargs: Any) -> Response:
        agent = self.get_object()
        try:
            live = func(agent=agent, by=self.request.user, **kwargs)
        except AgentStateError as exc:
            raise AgentConflict(detail=exc.reason, code=exc.code) from None
        return Response(AgentLiveStateSerializer(live).data)

    def _body(self, serializer_class: type[serializers.Serializer]) -> dict[str, Any]:
        ser = serializer_class(data=self.request.data)
        ser.is_valid(raise_exception=True)
        return dict(ser.validated_data)

    @extend_schema(summary="The agent's live state", responses={200: AgentLiveStateSerializer})
    @action(detail=True, methods=["get"])
    def state(self, request: Request, pk: str | None = None) -> Response:
        return Response(AgentLiveStateSerializer(agent_states.agent_live_state(agent=self.get_object())).data)

    @extend_schema(summary="Log in (all groups, or one)", request=LoginSerializer, responses=_RESPONSES)
    @action(detail=True, methods=["post"])
    def login(self, request: Request, pk: str | None = None) -> Response:
        body = self._body(LoginSerializer)
        agent = self.get_object()
        group = body.get("group")
        if group is not None and not agent.groups.filter(pk=group.pk).exists():
            raise exceptions.ValidationError({"group": [f"Agent {agent.number} is not a member of group {group}."]})
        return self._run(agent_states.agent_login, group=group, ready=body["ready"])

    @extend_schema(summary="Log out", request=None, responses=_RESPONSES)
    @action(detail=True, methods=["post"])
    def logout(self, request: Request, pk: str | None = None) -> Response:
        return self._run(agent_states.agent_logout)

    @extend_schema(summary="Become available", request=None, responses=_RESPONSES)
    @action(detail=True, methods=["post"])
    def ready(self, request: Request, pk: str | None = None) -> Response:
        return self._run(agent_states.agent_ready)

    @extend_schema(summary="Release with a code", request=CodeSerializer, responses=_RESPONSES)
    @action(detail=True, methods=["post"])
    def release(self, request: Request, pk: str | None = None) -> Response:
        return self._run(agent_states.agent_release, code=self._body(CodeSerializer)["code"])

    @extend_schema(summary="Wrap up with a code", request=CodeSerializer, responses=_RESPONSES)
    @action(detail=True, methods=["post"], url_path="wrap-up")
    def wrap_up(self, request: Request, pk: str | None = None) -> Response:
        return self._run(agent_states.agent_wrap_up, code=self._body(CodeSerializer)["code"])

    @extend_schema(summary="End wrap-up (become available)", request=None, responses=_RESPONSES)
    @action(detail=True, methods=["post"], url_path="end-wrap-up")
    def end_wrap_up(self, request: Request, pk: str | None = None) -> Response:
        return self._run(agent_states.agent_end_wrap_up)

    @extend_schema(summary="Force a state (supervisors)", request=ForceSerializer, responses=_RESPONSES)
    @action(detail=True, methods=["post"], permission_classes=[RolePermission, ForceAgentState, OwnAgentOrSupervisor])
    def force(self, request: Request, pk: str | None = None) -> Response:
        body = self._body(ForceSerializer)
        return self._run(agent_states.agent_force_state, state=body["state"], code=body["code"])
