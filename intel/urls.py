from django.urls import path

from intel import agency_views, notice_views, views

app_name = "intel"

urlpatterns = [
    path("intel/subjects/", views.subject_list, name="subjects"),
    path("intel/subjects/new/", views.subject_new, name="subject_new"),
    path("intel/subjects/<int:subject_id>/", views.subject_detail, name="subject"),
    path("intel/subjects/<int:subject_id>/approve/", views.subject_approve, name="approve"),
    path("intel/subjects/<int:subject_id>/validate/", views.subject_validate, name="validate"),
    path("intel/subjects/<int:subject_id>/purge/", views.purge_request, name="purge_request"),
    path(
        "intel/subjects/<int:subject_id>/disseminate/",
        views.subject_disseminate,
        name="disseminate",
    ),
    path("intel/purges/<int:purge_id>/approve/", views.purge_approve, name="purge_approve"),
    path("intel/links/", views.links, name="links"),
    path("intel/links/<int:link_id>/decide/", views.link_decide, name="link_decide"),
    path("intel/review/", views.review, name="review"),
    path("intel/oversight/", views.oversight, name="oversight"),
    path("intel/agencies/", agency_views.agencies, name="agencies"),
    path("intel/notices/", notice_views.notices, name="notices"),
    path(
        "intel/subjects/<int:subject_id>/correct/",
        notice_views.subject_correct,
        name="correct",
    ),
]
