from django.urls import path

from exercises import views

app_name = "exercises"

urlpatterns = [
    path("library/", views.exercise_list, name="exercise_list"),
    path("library/new/", views.exercise_new, name="exercise_new"),
    path("library/<int:pk>/", views.exercise_detail, name="exercise_detail"),
    path("library/<int:pk>/picture", views.exercise_picture, name="exercise_picture"),
    path("library/<int:pk>/edit/", views.exercise_edit, name="exercise_edit"),
    path("library/<int:pk>/archive/", views.exercise_archive, name="exercise_archive"),
    path("protocols/", views.protocol_list, name="protocol_list"),
    path("protocols/new/", views.protocol_new, name="protocol_new"),
    path("protocols/<int:pk>/", views.protocol_detail, name="protocol_detail"),
    path("protocols/<int:pk>/edit/", views.protocol_edit, name="protocol_edit"),
    path("protocols/<int:pk>/archive/", views.protocol_archive, name="protocol_archive"),
]
