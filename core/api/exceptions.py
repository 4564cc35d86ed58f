"""One place where errors of the service layer become HTTP 400 responses.

Services raise Django's `ValidationError` keyed by model field (or without a field,
e.g. "cannot be deleted: it is used by ..."). Converting it here, rather than in each
view, keeps the viewsets thin and gives every endpoint the same error shape:
`{"field": ["message"], "non_field_errors": ["message"]}`.
"""

from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions, serializers
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler


def service_error_detail(exc: DjangoValidationError) -> dict[str, Any]:
    """`{"field": ["message"]}`; errors that name no field go under DRF's non-field key."""
    detail = serializers.as_serializer_error(exc)
    if NON_FIELD_ERRORS in detail:
        # Model.clean() errors arrive under Django's "__all__"; API clients expect DRF's key.
        detail.setdefault(api_settings.NON_FIELD_ERRORS_KEY, [])
        detail[api_settings.NON_FIELD_ERRORS_KEY] += detail.pop(NON_FIELD_ERRORS)
    return detail


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(detail=service_error_detail(exc))
    return drf_exception_handler(exc, context)
