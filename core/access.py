"""Who may use a page (the Director's, the desktop's): each view declares a `core.roles.Access`.

Anonymous users go to the login page; a logged-in user without the role gets the styled 403 page with the
sentence saying which role the page needs (a redirect to the login page would loop).
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from core.roles import CONFIGURATION, Access


def check_access(request: HttpRequest, access: Access) -> HttpResponse | None:
    """The login redirect for an anonymous user; raises PermissionDenied(sentence) for a refused one."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    refusal = access.refusal(request.user, request.method or "GET")
    if refusal:
        raise PermissionDenied(refusal)
    return None


class AccessMixin:
    """For class-based views: set `access` (configuration by default)."""

    access: Access = CONFIGURATION

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return check_access(request, self.access) or super().dispatch(request, *args, **kwargs)  # type: ignore[misc]


def access_required(access: Access) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """For function views; the view keeps `access` so tests/test_access.py can read what it declared."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            return check_access(request, access) or view(request, *args, **kwargs)

        checked.access = access  # type: ignore[attr-defined]
        return checked

    return decorate


configuration_required = access_required(CONFIGURATION)
