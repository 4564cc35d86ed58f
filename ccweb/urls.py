from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

urlpatterns = [
    path("", RedirectView.as_view(url="/ccd/", permanent=False)),
    path("ccd", RedirectView.as_view(url="/ccd/", permanent=False)),
    path("ccd/", include("ccweb.director.urls")),
    path("api/", include("ccweb.api.urls")),
    path("admin/", admin.site.urls),
]

# Errors under /api/ that no DRF view answers get the API's error shape (ccweb.api.exceptions).
handler400 = "ccweb.api.exceptions.bad_request"
handler403 = "ccweb.api.exceptions.permission_denied"
handler404 = "ccweb.api.exceptions.page_not_found"
handler500 = "ccweb.api.exceptions.server_error"
