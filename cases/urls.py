from django.urls import path

from cases import views

app_name = "cases"

urlpatterns = [
    path("cases/", views.case_list, name="list"),
    path("cases/new/", views.case_new, name="new"),
    path("cases/<int:case_id>/", views.case_detail, name="detail"),
    path("cases/<int:case_id>/status/", views.case_transition, name="transition"),
    path("cases/<int:case_id>/share/", views.case_share, name="share"),
    path("cases/<int:case_id>/tasks/", views.case_task_add, name="task_add"),
    path(
        "cases/<int:case_id>/tasks/<int:task_id>/done/",
        views.case_task_done,
        name="task_done",
    ),
    path("cases/<int:case_id>/assign/", views.case_assign, name="assign"),
    path("cases/<int:case_id>/chart/", views.case_chart, name="chart"),
    path("cases/incidents/<int:incident_id>/share/", views.incident_share, name="incident_share"),
    path(
        "cases/incidents/<int:incident_id>/identifiers/",
        views.incident_identifier,
        name="incident_identifier",
    ),
]
