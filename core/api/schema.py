"""drf-spectacular's AutoSchema plus the error responses each operation can give, all as the `Error` component.

An operation documents 400 when it reads a body or validates a query parameter (or deletes: the
service's delete guards), 401 always (a bad token is refused everywhere), 403 unless anyone may call
it, 404 when it names an object in its path or pages a list, and 415 when it reads a body. Responses
that an operation declares itself (`@extend_schema(responses=...)`, e.g. a 409 with its own codes)
are kept as they are.
"""

from typing import Any

from drf_spectacular import openapi
from drf_spectacular.utils import OpenApiResponse
from rest_framework import permissions
from rest_framework.settings import api_settings

from core.api.exceptions import ErrorSerializer

ERRORS = {
    "400": "Invalid input: `code` is invalid and `errors` names each field (or parse_error: the body is not JSON).",
    "400-delete": "The object cannot be deleted (e.g. it is in use): `code` invalid, the reason in `detail`.",
    "401": "Not authenticated (send `Authorization: Token <token>`), or the token is not valid.",
    "403": "The user's role does not allow this; `detail` says which role is needed "
    "(agents act on their own agent only).",
    "404": "No such object (or no such page of a list).",
    "415": "The body's Content-Type is not one the operation reads (see its request body).",
}
#: query parameters that never give a 400 (an unusable value is ignored; a page that does not exist is a 404)
LENIENT_QUERY = {"page", "page_size", api_settings.SEARCH_PARAM, api_settings.ORDERING_PARAM}


class AutoSchema(openapi.AutoSchema):
    def get_operation(self, *args: Any, **kwargs: Any) -> dict[str, Any] | None:
        operation = super().get_operation(*args, **kwargs)
        if operation is None:
            return None
        for status, description in self.error_statuses(operation):
            if status not in operation["responses"]:
                response = OpenApiResponse(ErrorSerializer, description=description)
                operation["responses"][status] = self._get_response_for_code(response, status)
        return operation

    def error_statuses(self, operation: dict[str, Any]) -> list[tuple[str, str]]:
        """(status, description) of the errors this operation can answer besides those it declares."""
        parameters = operation.get("parameters", [])
        statuses = []
        validated_query = [p for p in parameters if p["in"] == "query" and p["name"] not in LENIENT_QUERY]
        if "requestBody" in operation or validated_query:
            statuses.append(("400", ERRORS["400"]))
        elif self.method == "DELETE":  # the service's delete guards
            statuses.append(("400", ERRORS["400-delete"]))
        statuses.append(("401", ERRORS["401"]))
        if not all(isinstance(p, permissions.AllowAny) for p in self.view.get_permissions()):
            statuses.append(("403", ERRORS["403"]))
        if any(p["in"] == "path" for p in parameters) or (self._is_list_view() and self._get_paginator()):
            statuses.append(("404", ERRORS["404"]))
        if "requestBody" in operation:
            statuses.append(("415", ERRORS["415"]))
        return statuses
