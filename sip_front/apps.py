from django.apps import AppConfig


class SipFrontConfig(AppConfig):
    """The SIP front (Kamailio): an app for its configuration generator and `manage.py sip_front`."""

    name = "sip_front"
    verbose_name = "SIP front"
