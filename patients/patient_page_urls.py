"""The patient's private pages (``public:patient_page``, ``public:patient_handout``, the
reminders): the URL holds the token and nothing else (the calendar file adds the chosen
days and hour). The reminder emails' links hold a signed value instead (patients.reminders)."""

from django.urls import path

from patients.views import measures, patient_page, reminders

app_name = "public"

urlpatterns = [
    path("p/<str:token>/", patient_page.patient_page, name="patient_page"),
    path("p/<str:token>/handout.pdf", patient_page.patient_handout, name="patient_handout"),
    # Relative on the page ("pictures/<handout>/<n>"), so its cached exercise list holds no token.
    path(
        "p/<str:token>/pictures/<int:handout_id>/<int:number>",
        patient_page.patient_picture,
        name="patient_picture",
    ),
    path("p/<str:token>/check/", patient_page.pain_check, name="pain_check"),
    path("p/<str:token>/questions/", measures.patient_questions, name="measure_questions"),
    path("p/<str:token>/urgent/", patient_page.urgent_help, name="urgent_help"),
    path("p/<str:token>/exercises.ics", reminders.calendar_file, name="calendar_file"),
    path("p/<str:token>/reminders/", reminders.email_reminders, name="email_reminders"),
    path("p/<str:token>/reminders/stop/", reminders.stop_email_reminders, name="stop_reminders"),
    # From the reminder emails: a signed value naming the sign-up, not the patient's token.
    path("reminders/yes/<str:value>/", reminders.confirm_reminders, name="reminder_confirm"),
    path("reminders/stop/<str:value>/", reminders.unsubscribe, name="reminder_unsubscribe"),
]
