"""Token obtain endpoint: username + password -> the user's API token."""

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken


@extend_schema(
    tags=["auth"],
    summary="Obtain an API token",
    description="Exchange a username and password for the user's token. "
    "Send it on later requests as `Authorization: Token <token>`. "
    "What a token may do follows its user's role (docs/security.md, Roles).",
    request=AuthTokenSerializer,
    responses={200: inline_serializer("AuthToken", fields={"token": serializers.CharField(read_only=True)})},
)
class TokenObtainView(ObtainAuthToken):
    pass
