"""System > Users > Set password: an administrator gives a user a new password (never shown back)."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from core.access import configuration_required
from core.services import service_for
from director.crud.saving import attach_error
from director.forms.users import SetPasswordForm
from director.pages.users import USERS

User = get_user_model()


@configuration_required
def set_password(request: HttpRequest, pk: int) -> HttpResponse:
    user = get_object_or_404(User, pk=pk)
    form = SetPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            service_for(User).update(instance=user, data={"password": form.cleaned_data["password"]})
        except ValidationError as exc:
            attach_error(form, exc)
        else:
            messages.success(request, f"New password set for {user.get_username()}: tell them in person.")
            return redirect(USERS.url("update", user))
    return render(
        request,
        "director/users/password.html",
        {"title": f"Set password: {user.get_username()}", "form": form, "back_url": USERS.url("update", user)},
    )
