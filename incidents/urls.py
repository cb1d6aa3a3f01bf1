from django.urls import path

from incidents import views

app_name = "incidents"

urlpatterns = [
    path("incidents/", views.incident_list, name="list"),
    path("incidents/report/", views.field_report, name="field_report"),
    path("incidents/phone-tip/", views.phone_tip, name="phone_tip"),
    path("incidents/review/", views.review_queue, name="review_queue"),
    path("incidents/protected-counts/", views.protected_counts, name="protected_counts"),
    path("incidents/notices/", views.notices, name="notices"),
    path("incidents/<int:incident_id>/", views.incident_detail, name="detail"),
    path("incidents/<int:incident_id>/review/", views.incident_review, name="review"),
    path("tip/", views.public_tip, name="public_tip"),
]
