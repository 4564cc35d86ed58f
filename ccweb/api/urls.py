"""The REST API at /api/: configuration endpoints, token login, OpenAPI schema and docs."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from acd.api import agent_views, transfer_views
from acd.api import views as acd_views
from ccweb.api.auth import TokenObtainView
from scripts_app.api import views as scripts_views

app_name = "api"

router = DefaultRouter()
router.register("call-profile-fields", acd_views.CallProfileFieldViewSet, basename="call-profile-field")
router.register("database-connections", scripts_views.DatabaseConnectionViewSet, basename="database-connection")
router.register("irns", acd_views.IRNViewSet, basename="irn")
router.register("call-records", acd_views.CallRecordViewSet, basename="call-record")
router.register("dnis", acd_views.DNISViewSet, basename="dnis")
router.register("services", acd_views.ServiceViewSet, basename="service")
router.register("groups", acd_views.GroupViewSet, basename="group")
router.register("agents", acd_views.AgentViewSet, basename="agent")
router.register("agents", agent_views.AgentStateViewSet, basename="agent-state")
router.register("skills", acd_views.SkillViewSet, basename="skill")
router.register("scripts", scripts_views.ScriptViewSet, basename="script")

urlpatterns = [
    path("auth/token/", TokenObtainView.as_view(), name="token-obtain"),
    path("system/misc/", acd_views.SystemMiscView.as_view(), name="system-misc"),
    path("calls/<str:call_id>/transfer/", transfer_views.CallTransferView.as_view(), name="call-transfer"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("", include(router.urls)),
]
