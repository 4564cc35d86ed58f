from django.urls import path

from director.crud.urls import crud_urlpatterns
from director.pages import PAGES
from director.views import agent_phones, audio, auth, cti_webhooks, home, live, scripts, sql, system, users

app_name = "director"

urlpatterns = [
    path("", home.HomeView.as_view(), name="home"),
    path("login/", auth.LoginView.as_view(), name="login"),
    path("logout/", auth.LogoutView.as_view(), name="logout"),
    path("system/misc/", system.misc, name="system_misc"),
    path("system/misc/music-on-hold.wav", audio.default_music_on_hold, name="system_moh"),
    path("services/<int:pk>/audio/<str:field>.wav", audio.service_audio, name="service_audio"),
    path("users/<int:pk>/password/", users.set_password, name="users_password"),
    path("agents/<int:pk>/sip-password/", agent_phones.sip_password, name="agents_sip_password"),
    path("live/", live.live_queues, name="live_queues"),
    path("cti-webhooks/<int:pk>/rotate-secret/", cti_webhooks.rotate, name="cti_webhook_rotate"),
    path("cti-webhooks/<int:pk>/deliveries/", cti_webhooks.deliveries, name="cti_webhook_deliveries"),
    path("query-tester/", sql.query_tester, name="query_tester"),
    path("database-connections/<int:pk>/test/", sql.test_connection, name="database_connection_test"),
    *scripts.urlpatterns,
]
for _page in PAGES:
    urlpatterns += crud_urlpatterns(_page)
