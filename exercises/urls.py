from django.urls import path

from exercises import views

app_name = "exercises"

urlpatterns = [
    path("library/", views.exercise_list, name="exercise_list"),
    path("protocols/", views.protocol_list, name="protocol_list"),
]
