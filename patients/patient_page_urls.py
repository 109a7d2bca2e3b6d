"""The patient's private pages (``public:patient_page``, ``public:patient_handout``): the
URL holds the token and nothing else."""

from django.urls import path

from patients.views import patient_page

app_name = "public"

urlpatterns = [
    path("p/<str:token>/", patient_page.patient_page, name="patient_page"),
    path("p/<str:token>/handout.pdf", patient_page.patient_handout, name="patient_handout"),
    path("p/<str:token>/check/", patient_page.pain_check, name="pain_check"),
    path("p/<str:token>/urgent/", patient_page.urgent_help, name="urgent_help"),
]
