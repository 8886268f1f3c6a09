from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from teaching.views import (
    accounts,
    auth,
    authoring,
    classrooms,
    devices,
    devices_feedback,
    lessons,
    pages,
    privacy,
    results,
    student,
    voices,
)

# The URLs are grouped by their first segments: Django tries a request's path against
# each pattern in turn, and a group's patterns only when its prefix matches, so the
# students' saves, made every few seconds, are not tried against every teacher's page.

# A student's work on one assignment.
work_urls = [
    path("", student.assignment_overview, name="assignment_overview"),
    path("submit/", student.attempt_submit, name="attempt_submit"),
    path("voices/", voices.voices, name="voices"),
    path("voices/<int:segment_pk>/", voices.voice_save, name="voice_save"),
    path("feedback/voices/", voices.voices_feedback, name="voices_feedback"),
    path("devices/", devices.devices, name="devices"),
    path("marks/", devices.mark_add, name="mark_add"),
    path("marks/<uuid:client_id>/", devices.mark_change, name="mark_change"),
    path("feedback/devices/", devices_feedback.devices_feedback, name="devices_feedback"),
]

# One lesson of the library (teachers); the rest edit a draft, which is its author's
# (teaching/views/authoring.py).
lesson_urls = [
    path("", lessons.lesson_detail, name="lesson_detail"),
    path("export.json", authoring.lesson_export, name="lesson_export"),
    path("edit/", authoring.lesson_edit, name="lesson_edit"),
    path("details/", authoring.lesson_details, name="lesson_details"),
    path("sentences/<int:position>/", authoring.segment_save, name="segment_save"),
    path("devices/", authoring.device_add, name="device_add"),
    path("devices/<int:device_pk>/", authoring.device_update, name="device_update"),
    path("devices/<int:device_pk>/delete/", authoring.device_delete, name="device_delete"),
    path(
        "suggestions/<int:suggestion_pk>/accept/",
        authoring.suggestion_accept,
        name="suggestion_accept",
    ),
    path(
        "suggestions/<int:suggestion_pk>/reject/",
        authoring.suggestion_reject,
        name="suggestion_reject",
    ),
    path("publish/", authoring.lesson_publish, name="lesson_publish"),
    path("delete/", authoring.lesson_delete, name="lesson_delete"),
]

# One class (its teacher's): roster, assignments, results across them, and privacy.
class_urls = [
    path("", classrooms.classroom_detail, name="classroom_detail"),
    path("rename/", classrooms.classroom_rename, name="classroom_rename"),
    path("archive/", classrooms.classroom_archive, name="classroom_archive"),
    path("code/", classrooms.classroom_rotate_code, name="classroom_rotate_code"),
    path("join-sheet/", classrooms.classroom_join_sheet, name="classroom_join_sheet"),
    path("students/", classrooms.students_add, name="students_add"),
    path(
        "students/<int:student_pk>/password/",
        classrooms.student_reset_password,
        name="student_reset_password",
    ),
    path("students/<int:student_pk>/remove/", classrooms.student_remove, name="student_remove"),
    path("assign/", classrooms.assignment_create, name="assignment_create"),
    path("overview/", results.classroom_overview, name="classroom_overview"),
    path(
        "students/<int:student_pk>/progress/",
        results.student_progress,
        name="student_progress",
    ),
    path("export.json", privacy.classroom_export_json, name="classroom_export_json"),
    path("export.csv", privacy.classroom_export_csv, name="classroom_export_csv"),
    path("delete/", privacy.classroom_delete, name="classroom_delete"),
    path(
        "students/<int:student_pk>/delete/",
        privacy.classroom_student_delete,
        name="classroom_student_delete",
    ),
]

# One assignment's results (its class's teacher).
assignment_urls = [
    path("results/", results.assignment_results, name="assignment_results"),
    path("results.csv", results.assignment_results_csv, name="assignment_results_csv"),
    path("analysis/", results.assignment_analysis, name="assignment_analysis"),
    path("students/<int:student_pk>/", results.attempt_review, name="attempt_review"),
]

urlpatterns = [
    path("work/<int:assignment_pk>/", include(work_urls)),
    path("", pages.home, name="home"),
    path("me/", student.student_home, name="student_home"),
    path("assignments/<int:pk>/", include(assignment_urls)),
    # Logging in and out: throttled and logged (teaching/views/auth.py)
    path("login/", auth.login, name="login"),
    path("logout/", auth.logout, name="logout"),
    # Lesson library (teachers)
    path("lessons/", lessons.lesson_list, name="lesson_list"),
    path("lessons/new/", authoring.lesson_new, name="lesson_new"),
    path("lessons/<slug:slug>/", include(lesson_urls)),
    # Classes (teachers)
    path("classes/", classrooms.classroom_list, name="classroom_list"),
    path("classes/new/", classrooms.classroom_create, name="classroom_create"),
    path("classes/<int:pk>/", include(class_urls)),
    # Accounts
    path("join/", accounts.student_join, name="student_join"),
    path("join/welcome/", accounts.student_welcome, name="student_welcome"),
    path("signup/<str:token>/", accounts.teacher_signup, name="teacher_signup"),
    path("password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("techniques.css", devices.technique_css, name="technique_css"),
    path("admin/", admin.site.urls),
]
