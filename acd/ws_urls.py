"""WebSocket URL patterns of the live ACD and the CTI stream (mounted in ccweb/asgi.py)."""

from django.urls import path

from acd.consumers import AcdLiveConsumer
from acd.cti.consumer import CtiConsumer

websocket_urlpatterns = [
    path("ws/acd/wallboard/", AcdLiveConsumer.as_asgi()),
    path("ws/acd/services/<str:service>/", AcdLiveConsumer.as_asgi()),
    path("ws/acd/agents/<str:number>/", AcdLiveConsumer.as_asgi()),
    path("ws/cti/", CtiConsumer.as_asgi()),
]
