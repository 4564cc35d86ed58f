"""POST /api/calls/{call_id}/transfer/ (staff): blind-transfer a connected call to an extension or an IRN.

Thin: the checks and the request are `routing.call_transfers.request_transfer`; the owning media child
carries the transfer out (`media_worker.flows.transfer`), so the answer is 202 Accepted. The CallRecord shows
the outcome (a `transfer` entry in its trace).
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.exceptions import ApiError, ErrorSerializer
from routing.call_transfers import TransferRefused, request_transfer
from routing.transfers import KINDS


class TransferRequestSerializer(serializers.Serializer):
    target = serializers.CharField(
        max_length=200,
        help_text="An IRN number (the call runs that IRN's destination), an agent's extension or agent number, "
        "a SIP URI (sip:2001@pbx.example.com), or an outside number (dialled at the outbound gateway).",
    )
    kind = serializers.ChoiceField(
        choices=[("", "auto"), *((k, k) for k in KINDS)],
        required=False,
        default="",
        allow_blank=True,
        help_text="Empty: a bare number is an IRN first, then an extension. irn or extension: only that.",
    )


class TransferAcceptedSerializer(serializers.Serializer):
    call_id = serializers.CharField()
    agent = serializers.CharField(help_text="The agent the call is taken from (goes to wrap-up).")
    kind = serializers.CharField(help_text="irn or extension.")
    destination = serializers.CharField(help_text="The IRN number, or the SIP URI that will be dialled.")
    target = serializers.CharField(help_text="The target as asked.")
    owner = serializers.CharField(help_text="The media process that carries the transfer out.")


@extend_schema(tags=["calls"])
class CallTransferView(APIView):
    # configuration by default (core.api.permissions): an administrator's token (the Integrator role only reads
    # the CTI stream); agents transfer from the desktop

    @extend_schema(
        summary="Blind-transfer a connected call",
        request=TransferRequestSerializer,
        responses={
            202: TransferAcceptedSerializer,
            400: OpenApiResponse(
                ErrorSerializer,
                description="The target is not usable: `code` empty, bad_target, bad_kind, unknown_irn or "
                "unknown_number; or invalid, with `errors` by field.",
            ),
            404: OpenApiResponse(ErrorSerializer, description="No such call in progress: `code` unknown_call."),
            409: OpenApiResponse(
                ErrorSerializer, description="The call is not connected to an agent: `code` not_connected."
            ),
        },
    )
    def post(self, request: Request, call_id: str) -> Response:
        body = TransferRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            sent = request_transfer(
                call_id=call_id,
                target=body.validated_data["target"],
                kind=body.validated_data["kind"],
                by=f"api:{request.user.get_username()}",
            )
        except TransferRefused as exc:
            raise ApiError(str(exc), code=exc.code, status=exc.status) from None
        data = {
            "call_id": sent.call_id,
            "agent": sent.agent,
            "kind": sent.target.kind,
            "destination": sent.target.destination,
            "target": sent.target.text,
            "owner": sent.owner,
        }
        return Response(TransferAcceptedSerializer(data).data, status=status.HTTP_202_ACCEPTED)
