from django.urls import path

from patients.views import handouts, records

app_name = "patients"

urlpatterns = [
    path("", records.today, name="today"),
    path("patients/", records.patient_list, name="patient_list"),
    path("handouts/<int:pk>/download/", handouts.download_handout, name="download_handout"),
    path("programmes/<int:pk>/handout/preview/", handouts.preview_handout, name="preview_handout"),
    path("programmes/<int:pk>/handout/issue/", handouts.issue_handout_view, name="issue_handout"),
]
