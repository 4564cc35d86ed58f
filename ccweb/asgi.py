"""ASGI entry point served by daphne: HTTP for the Director, the API and the admin.

WebSocket routes join here when the live ACD lands (issue: ACD).
"""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ccweb.settings")
django_asgi_app = get_asgi_application()

from channels.routing import ProtocolTypeRouter  # noqa: E402

application = ProtocolTypeRouter({"http": django_asgi_app})
