from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError

from core.roles import NO_ROLE, role_of


class RoleAuthenticationForm(AuthenticationForm):
    """Administrators, supervisors and agents log in here; an account without a role is told why not."""

    def confirm_login_allowed(self, user) -> None:  # type: ignore[no-untyped-def]
        super().confirm_login_allowed(user)
        if role_of(user) is None:
            raise ValidationError(NO_ROLE, code="no_role")
