"""The patient's private pages. The URL holds the token and nothing else."""

from django.urls import path

from patients.views import public

urlpatterns = [
    path("p/<str:token>/", public.patient_page, name="patient_page"),
    path("p/<str:token>/handout.pdf", public.patient_handout, name="patient_handout"),
]
