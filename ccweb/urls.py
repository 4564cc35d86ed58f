"""The URL map: the Director at /ccd/, the REST API at /api/ (OpenAPI schema and docs), the admin."""

from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from acd.api import agent_views, cti_views
from acd.api import views as acd_views
from calls.api import views as calls_views
from core.api.auth import TokenObtainView
from routing.api import transfer_views
from routing.api import views as routing_views
from scripts_app.api import views as scripts_views

router = DefaultRouter()
router.register("call-profile-fields", calls_views.CallProfileFieldViewSet, basename="call-profile-field")
router.register("database-connections", scripts_views.DatabaseConnectionViewSet, basename="database-connection")
router.register("irns", routing_views.IRNViewSet, basename="irn")
router.register("call-records", calls_views.CallRecordViewSet, basename="call-record")
router.register("dnis", routing_views.DNISViewSet, basename="dnis")
router.register("services", acd_views.ServiceViewSet, basename="service")
router.register("groups", acd_views.GroupViewSet, basename="group")
router.register("agents", acd_views.AgentViewSet, basename="agent")
router.register("agents", agent_views.AgentStateViewSet, basename="agent-state")
router.register("skills", acd_views.SkillViewSet, basename="skill")
router.register("release-codes", acd_views.ReleaseCodeViewSet, basename="release-code")
router.register("wrap-up-codes", acd_views.WrapUpCodeViewSet, basename="wrap-up-code")
router.register("scripts", scripts_views.ScriptViewSet, basename="script")
router.register("cti-webhooks", cti_views.CtiWebhookViewSet, basename="cti-webhook")

api_urlpatterns = [
    path("auth/token/", TokenObtainView.as_view(), name="token-obtain"),
    path("system/misc/", calls_views.SystemMiscView.as_view(), name="system-misc"),
    path("calls/<str:call_id>/transfer/", transfer_views.CallTransferView.as_view(), name="call-transfer"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("", include(router.urls)),
]

urlpatterns = [
    path("", RedirectView.as_view(url="/ccd/", permanent=False)),
    path("ccd", RedirectView.as_view(url="/ccd/", permanent=False)),
    path("ccd/agent/", include("desktop.urls")),
    path("ccd/", include("director.urls")),
    path("api/", include((api_urlpatterns, "api"))),
    path("admin/", admin.site.urls),
]

# Errors under /api/ that no DRF view answers get the API's error shape (core.api.exceptions).
handler400 = "core.api.exceptions.bad_request"
handler403 = "core.api.exceptions.permission_denied"
handler404 = "core.api.exceptions.page_not_found"
handler500 = "core.api.exceptions.server_error"
