"""One place where API errors become responses, all in one shape (the `Error` schema component).

    {"code": "invalid", "detail": "name: This field is required.", "errors": {"name": ["This field is required."]}}
    {"code": "not_found", "detail": "No Agent matches the given query."}

`code` is a stable id, `detail` a sentence for a person, and `errors` (validation errors only)
maps each field path to its messages: nested fields are dotted (`skills.0.level`), errors that
name no field are under `non_field_errors`. Services raise Django's `ValidationError` keyed by
model field (or without a field, e.g. "cannot be deleted: it is used by ..."); it is converted
here, rather than in each view, which keeps the viewsets thin. The Django-level handlers below
give the same shape to what never reaches a DRF view under /api/ (an unknown URL, a request
too large, a crash).
"""

from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views import defaults
from rest_framework import exceptions, serializers
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from core.api.serializers import ProblemSerializer
from core.services import RefusedWithProblems

API_PREFIX = "/api/"


class ErrorSerializer(serializers.Serializer):
    """Every error the API answers (4xx and 5xx) has this shape."""

    code = serializers.CharField(
        help_text="Stable id: invalid (400, see `errors`), parse_error, not_authenticated, authentication_failed, "
        "permission_denied, not_found, method_not_allowed, unsupported_media_type, bad_request, server_error, or one "
        "named by the operation (e.g. not_connected)."
    )
    detail = serializers.CharField(help_text="What went wrong, as a sentence for a person.")
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="Validation errors only: field path (`name`, `skills.0.level`, `non_field_errors`) -> messages.",
    )
    problems = ProblemSerializer(
        many=True,
        required=False,
        help_text="A refusal whose reasons are script or SQL problems (publish, rollback): each as an object.",
    )


class ApiError(exceptions.APIException):
    """An error with its own HTTP status and stable code (e.g. 409 not_connected), in the one error shape."""

    def __init__(self, detail: str, *, code: str, status: int) -> None:
        super().__init__(detail=detail, code=code)
        self.status_code = status


def service_error_detail(exc: DjangoValidationError) -> dict[str, Any]:
    """`{"field": ["message"]}`; errors that name no field go under DRF's non-field key."""
    detail = serializers.as_serializer_error(exc)
    if NON_FIELD_ERRORS in detail:
        # Model.clean() errors arrive under Django's "__all__"; API clients expect DRF's key.
        detail.setdefault(api_settings.NON_FIELD_ERRORS_KEY, [])
        detail[api_settings.NON_FIELD_ERRORS_KEY] += detail.pop(NON_FIELD_ERRORS)
    return detail


def field_errors(detail: Any, path: str = "") -> dict[str, list[str]]:
    """DRF's nested error detail as `{"field.path": ["message", ...]}`."""
    if isinstance(detail, dict):
        items: Any = detail.items()
    elif isinstance(detail, list) and any(isinstance(item, (dict, list)) for item in detail):
        items = enumerate(detail)  # one entry per item of a list field or of a many=True serializer
    else:
        messages = detail if isinstance(detail, list) else [detail]
        return {path or api_settings.NON_FIELD_ERRORS_KEY: [str(m) for m in messages]} if messages else {}
    errors: dict[str, list[str]] = {}
    for key, value in items:
        name = f"{path}.{key}" if path else str(key)
        for field, messages in field_errors(value, name).items():
            errors.setdefault(field, []).extend(messages)
    return errors


def error_body(exc: exceptions.APIException) -> dict[str, Any]:
    """The `Error` body of an APIException."""
    if isinstance(exc, exceptions.ValidationError) or isinstance(exc.detail, (dict, list)):
        errors = field_errors(exc.detail)
        non_field = api_settings.NON_FIELD_ERRORS_KEY
        sentences = [m if f == non_field else f"{f}: {m}" for f, messages in errors.items() for m in messages]
        return {"code": exc.default_code, "detail": " ".join(sentences) or str(exc.default_detail), "errors": errors}
    return {"code": getattr(exc.detail, "code", None) or exc.default_code, "detail": str(exc.detail)}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    problems = getattr(exc, "problems", None) if isinstance(exc, RefusedWithProblems) else None
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(detail=service_error_detail(exc))
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound(*exc.args)
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(*exc.args)
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(exc, exceptions.APIException):
        response.data = error_body(exc)
        if problems is not None:
            response.data["problems"] = [problem.as_dict() for problem in problems]
    return response


# Django's handlers (ccweb/urls.py), for what DRF does not answer: the same shape under /api/.


def _api_error(request: HttpRequest, code: str, detail: str, status: int) -> HttpResponse | None:
    if not request.path_info.startswith(API_PREFIX):
        return None
    return JsonResponse({"code": code, "detail": detail}, status=status)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    return _api_error(request, "bad_request", "The request cannot be processed.", 400) or defaults.bad_request(
        request, exception
    )


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    return _api_error(request, "permission_denied", "You do not have permission to perform this action.", 403) or (
        defaults.permission_denied(request, exception)
    )


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    return _api_error(request, "not_found", f"There is no API endpoint at {request.path}.", 404) or (
        defaults.page_not_found(request, exception)
    )


def server_error(request: HttpRequest) -> HttpResponse:
    return _api_error(request, "server_error", "A server error occurred.", 500) or defaults.server_error(request)
