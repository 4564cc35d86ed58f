"""URL patterns for a CrudPage: <prefix>/, new/, <pk>/edit/, <pk>/delete/."""

from django.urls import URLPattern, path

from director.crud.config import CrudPage
from director.crud.views import CrudCreateView, CrudDeleteView, CrudListView, CrudUpdateView


def crud_urlpatterns(page: CrudPage) -> list[URLPattern]:
    prefix = page.url_prefix
    return [
        path(f"{prefix}/", CrudListView.as_view(page=page), name=f"{page.key}_list"),
        path(f"{prefix}/new/", CrudCreateView.as_view(page=page), name=f"{page.key}_create"),
        path(f"{prefix}/<int:pk>/edit/", CrudUpdateView.as_view(page=page), name=f"{page.key}_update"),
        path(f"{prefix}/<int:pk>/delete/", CrudDeleteView.as_view(page=page), name=f"{page.key}_delete"),
    ]
