from django.urls import path

from desktop import views

app_name = "desktop"

urlpatterns = [
    path("", views.desktop, name="home"),
    path("phone/", views.phone, name="phone"),
]
