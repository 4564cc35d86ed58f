"""System > CTI Webhooks: the new secret (once), rotating it, the last deliveries."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers

from acd.models import CtiWebhook
from acd.services.cti_webhooks import webhook_rotate_secret
from core.access import configuration_required


def _list_url() -> str:
    return reverse("director:cti_webhooks_list")


def show_new_secret(request: HttpRequest, webhook: CtiWebhook, *, secret: str = "") -> HttpResponse:
    """The one page that shows the secret: right after creating the webhook or rotating its secret."""
    response = render(
        request,
        "director/cti/secret.html",
        {"title": f"Secret of CTI webhook '{webhook}'", "webhook": webhook, "secret": secret or webhook.get_secret()},
    )
    add_never_cache_headers(response)  # a back button or a proxy must not show it again
    return response


@configuration_required
def rotate(request: HttpRequest, pk: int) -> HttpResponse:
    webhook = get_object_or_404(CtiWebhook, pk=pk)
    if request.method == "POST":
        return show_new_secret(request, webhook, secret=webhook_rotate_secret(webhook=webhook))
    back = reverse("director:cti_webhooks_update", args=[webhook.pk])
    return render(request, "director/cti/rotate.html", {"title": f"Rotate the secret of '{webhook}'", "back_url": back})


@configuration_required
def deliveries(request: HttpRequest, pk: int) -> HttpResponse:
    webhook = get_object_or_404(CtiWebhook, pk=pk)
    return render(
        request,
        "director/cti/deliveries.html",
        {
            "title": f"Deliveries of '{webhook}'",
            "webhook": webhook,
            "rows": webhook.deliveries.order_by("-at", "-id"),
            "back_url": reverse("director:cti_webhooks_update", args=[webhook.pk]),
        },
    )
