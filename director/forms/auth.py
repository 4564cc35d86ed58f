from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError


class StaffAuthenticationForm(AuthenticationForm):
    """Only staff users administer the contact center; agents log in elsewhere."""

    def confirm_login_allowed(self, user) -> None:  # type: ignore[no-untyped-def]
        super().confirm_login_allowed(user)
        if not user.is_staff:
            raise ValidationError(
                "This account is not allowed to use the Director. Ask an administrator for staff access.",
                code="not_staff",
            )
