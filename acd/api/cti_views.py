"""/api/cti-webhooks/: outbound CTI webhooks (docs/cti.md). Administrators only (configuration).

The secret is never accepted and never read back, except in the response that created it and in the response
of rotate-secret: each is the one moment the receiver's owner can copy it.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_view, inline_serializer
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from acd.cti.events import KINDS
from acd.models import CtiDelivery, CtiWebhook
from acd.services.cti_webhooks import webhook_rotate_secret
from core.api.base import ServiceModelSerializer, ServiceModelViewSet


class CtiDeliverySerializer(serializers.ModelSerializer):
    class Meta:
        model = CtiDelivery
        fields = ["event_id", "kind", "call_id", "attempt", "at", "status", "error", "duration_ms", "result"]
        read_only_fields = fields


class CtiWebhookSerializer(ServiceModelSerializer):
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=KINDS),
        allow_empty=False,
        required=False,
        help_text=f"The events it receives (default: all of {', '.join(KINDS)}).",
    )

    class Meta:
        model = CtiWebhook
        fields = [
            "id",
            "name",
            "url",
            "events",
            "active",
            "created_at",
            "last_delivery_at",
            "last_status",
            "last_error",
        ]
        read_only_fields = ["created_at", "last_delivery_at", "last_status", "last_error"]


class CtiWebhookCreatedSerializer(CtiWebhookSerializer):
    secret = serializers.CharField(
        source="get_secret",
        read_only=True,
        help_text="The signing secret: shown in this response only. Keep it with the receiver.",
    )

    class Meta(CtiWebhookSerializer.Meta):
        fields = [*CtiWebhookSerializer.Meta.fields, "secret"]


_SECRET = inline_serializer("CtiWebhookSecret", fields={"secret": serializers.CharField(read_only=True)})


@extend_schema(tags=["cti"])
@extend_schema_view(
    create=extend_schema(
        summary="Create a CTI webhook (its secret is in this response only)",
        request=CtiWebhookSerializer,
        responses={201: CtiWebhookCreatedSerializer},
    )
)
class CtiWebhookViewSet(ServiceModelViewSet):
    queryset = CtiWebhook.objects.all()
    serializer_class = CtiWebhookSerializer
    search_fields = ["name", "url"]
    ordering_fields = ["name"]

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        webhook = serializer.save()
        body = CtiWebhookCreatedSerializer(webhook, context=self.get_serializer_context()).data
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Replace the signing secret (the new one is in this response only)",
        request=None,
        responses={200: _SECRET},
    )
    @action(detail=True, methods=["post"], url_path="rotate-secret")
    def rotate_secret(self, request: Request, pk: str | None = None) -> Response:
        return Response({"secret": webhook_rotate_secret(webhook=self.get_object())})

    @extend_schema(summary="The last deliveries (newest first)", responses={200: CtiDeliverySerializer(many=True)})
    @action(detail=True, methods=["get"], pagination_class=None)
    def deliveries(self, request: Request, pk: str | None = None) -> Response:
        rows = self.get_object().deliveries.order_by("-at", "-id")
        return Response(CtiDeliverySerializer(rows, many=True).data)
