"""The API's role check (settings: DEFAULT_PERMISSION_CLASSES): a view's `access` (core.roles), configuration
by default, so an endpoint nobody thought about is for administrators only."""

from typing import Any

from rest_framework import permissions
from rest_framework.request import Request

from core.roles import CONFIGURATION, Access


def view_access(view: Any) -> Access:
    return getattr(view, "access", CONFIGURATION)


class RolePermission(permissions.BasePermission):
    message = "You do not have permission to perform this action."

    def has_permission(self, request: Request, view: Any) -> bool:
        refusal = view_access(view).refusal(request.user, request.method or "GET")
        if refusal:
            self.message = refusal  # DRF answers 403 with it (401 when nobody is logged in)
        return not refusal
