from django.urls import path

from patients.views import (
    alerts,
    exports,
    handouts,
    links,
    measures,
    monitoring,
    programmes,
    records,
)

app_name = "patients"

urlpatterns = [
    path("", records.today, name="today"),
    path("patients/", records.patient_list, name="patient_list"),
    path("patients/new/", records.patient_new, name="patient_new"),
    path("patients/<int:pk>/", records.patient_detail, name="patient_detail"),
    path("patients/<int:pk>/edit/", records.patient_edit, name="patient_edit"),
    path("patients/<int:pk>/fhir/", exports.patient_fhir, name="patient_fhir"),
    path(
        "patients/<int:patient_pk>/programmes/new/",
        programmes.programme_new,
        name="programme_new",
    ),
    path("programmes/<int:pk>/", programmes.programme_detail, name="programme_detail"),
    path("programmes/<int:pk>/edit/", programmes.programme_edit, name="programme_edit"),
    path(
        "programmes/<int:pk>/chart-note/", exports.chart_note_download, name="chart_note_download"
    ),
    path("programmes/exercises/", programmes.exercise_search, name="programme_exercise_search"),
    path("patients/<int:pk>/links/new/", links.link_create, name="link_create"),
    path("patients/<int:pk>/links/email/", links.link_email, name="link_email"),
    path("patients/<int:pk>/links/issue-again/", links.link_issue_again, name="link_issue_again"),
    path("links/<int:pk>/revoke/", links.link_revoke, name="link_revoke"),
    path("links/<int:pk>/extend/", links.link_extend, name="link_extend"),
    path("day-counts/", monitoring.monitoring_report, name="monitoring_report"),
    path("day-counts.csv", monitoring.monitoring_csv, name="monitoring_csv"),
    path("alerts/<int:pk>/", alerts.alert_detail, name="alert"),
    path("alerts/<int:pk>/acknowledge/", alerts.alert_acknowledge, name="alert_acknowledge"),
    path("programmes/<int:pk>/measures/add/", measures.schedule_add, name="measure_schedule_add"),
    path(
        "measure-schedules/<int:pk>/remove/",
        measures.schedule_remove,
        name="measure_schedule_remove",
    ),
    path(
        "patients/<int:pk>/measures/<int:measure_pk>/answer/",
        measures.answer_new,
        name="measure_answer_new",
    ),
    path(
        "measure-answers/<int:pk>/correct/", measures.answer_correct, name="measure_answer_correct"
    ),
    path("handouts/<int:pk>/download/", handouts.download_handout, name="download_handout"),
    path("programmes/<int:pk>/handout/preview/", handouts.preview_handout, name="preview_handout"),
    path("programmes/<int:pk>/handout/issue/", handouts.issue_handout_view, name="issue_handout"),
]
