from django.urls import path

from evidence import views

app_name = "evidence"

urlpatterns = [
    path("evidence/incident/<int:incident_id>/", views.incident_evidence, name="incident"),
    path("evidence/incident/<int:incident_id>/export/", views.incident_export, name="export"),
    path("evidence/case/<int:case_id>/export/", views.case_export, name="case_export"),
    path("evidence/fixity/", views.fixity, name="fixity"),
    path("evidence/<int:item_id>/", views.item_detail, name="detail"),
    path("evidence/<int:item_id>/download/<str:token>/", views.item_download, name="download"),
    path("evidence/<int:item_id>/transfer/", views.item_transfer, name="transfer"),
    path("evidence/<int:item_id>/transcript/", views.item_transcript, name="transcript"),
    path("evidence/<int:item_id>/redact/", views.item_redact, name="redact"),
    path("evidence/<int:item_id>/legal-hold/", views.item_legal_hold, name="legal_hold"),
    path("evidence/<int:item_id>/dispose/", views.item_dispose, name="dispose"),
    path(
        "evidence/custody/<int:event_id>/acknowledge/",
        views.custody_acknowledge,
        name="acknowledge",
    ),
]
