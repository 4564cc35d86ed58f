"""Who may use the Director: authenticated staff users, nobody else."""

from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import user_passes_test
from django.contrib.auth.mixins import LoginRequiredMixin, UserPassesTestMixin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse


def is_director_user(user: Any) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_staff)


class StaffRequiredMixin(LoginRequiredMixin, UserPassesTestMixin):
    """Anonymous users go to the login page; logged-in non-staff users get 403 (a redirect would loop)."""

    def test_func(self) -> bool:
        return is_director_user(self.request.user)


def staff_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Function-view twin of StaffRequiredMixin."""

    def check(user: Any) -> bool:
        if user.is_authenticated and not is_director_user(user):
            raise PermissionDenied
        return is_director_user(user)

    return user_passes_test(check)(view)
