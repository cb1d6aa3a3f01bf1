from django.urls import path

from exposure import views

app_name = "exposure"

urlpatterns = [
    path("exposure/roster/", views.roster, name="roster"),
    path("exposure/roster/new/", views.person_new, name="person_new"),
    path("exposure/roster/<int:person_id>/", views.person, name="person"),
    path("exposure/roster/<int:person_id>/link/", views.person_link, name="person_link"),
    path("exposure/me/", views.own_entry, name="own_entry"),
    path("exposure/alerts/", views.alerts, name="alerts"),
    path("exposure/alerts/<int:alert_id>/", views.alert, name="alert"),
    path(
        "exposure/alerts/<int:alert_id>/acknowledge/",
        views.alert_acknowledge,
        name="alert_acknowledge",
    ),
    path("exposure/alerts/<int:alert_id>/measure/", views.alert_measure, name="alert_measure"),
    path("exposure/alerts/<int:alert_id>/close/", views.alert_close, name="alert_close"),
    path("exposure/alerts/<int:alert_id>/incident/", views.alert_incident, name="alert_incident"),
    path("exposure/scan/", views.scan_text, name="scan"),
]
