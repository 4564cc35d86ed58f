"""System > CTI Webhooks: the list shows the last delivery of each; the secret is never in a page but the one
right after it was made."""

from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.timezone import localtime

from acd.models import CtiWebhook
from director.crud.config import Column, CrudPage
from director.forms.cti_webhooks import CtiWebhookForm
from director.pages.render import NONE, chips, or_none, yes_no
from director.views.cti_webhooks import show_new_secret


def _last(webhook: CtiWebhook) -> object:
    if webhook.last_delivery_at is None:
        return NONE
    when = date_format(localtime(webhook.last_delivery_at), "DATETIME_FORMAT")
    ok = webhook.last_status is not None and 200 <= webhook.last_status < 300
    status = webhook.last_status if webhook.last_status is not None else "no answer"
    return format_html(
        '<span class="flag flag-{}">{}</span> {}{}',
        "yes" if ok else "no",
        status,
        when,
        format_html(' <span class="muted">{}</span>', webhook.last_error) if webhook.last_error else "",
    )


CTI_WEBHOOKS = CrudPage(
    key="cti_webhooks",
    model=CtiWebhook,
    form_class=CtiWebhookForm,
    title="CTI Webhooks",
    singular="CTI webhook",
    nav_path=("System",),
    intro="Other applications receive each call's offered, answered, transferred and ended events with its "
    "exported fields named by their TAPI property (_STCC_…), signed with the webhook's secret (docs/cti.md).",
    columns=(
        Column("Name", lambda w: w.name, "strong"),
        Column("URL", lambda w: format_html("<code>{}</code>", w.url), "truncate"),
        Column("Events", lambda w: chips(w.events)),
        Column("Active", lambda w: yes_no(w.active)),
        Column("Last delivery", lambda w: or_none(_last(w))),
    ),
    object_links=(("Deliveries", "director:cti_webhook_deliveries"), ("Rotate secret", "director:cti_webhook_rotate")),
    after_create=show_new_secret,
)
