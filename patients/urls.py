from django.urls import path

from patients import views

app_name = "patients"

urlpatterns = [
    path("handouts/<int:pk>/download/", views.download_handout, name="download_handout"),
    path("programmes/<int:pk>/handout/preview/", views.preview_handout, name="preview_handout"),
    path("programmes/<int:pk>/handout/issue/", views.issue_handout_view, name="issue_handout"),
]
