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
