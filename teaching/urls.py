from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import path

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

urlpatterns = [
    path("", pages.home, name="home"),
    # Logging in and out: throttled and logged (teaching/views/auth.py)
    path("login/", auth.login, name="login"),
    path("logout/", auth.logout, name="logout"),
    # Lesson library (teachers)
    path("lessons/", lessons.lesson_list, name="lesson_list"),
    path("lessons/new/", authoring.lesson_new, name="lesson_new"),
    path("lessons/<slug:slug>/", lessons.lesson_detail, name="lesson_detail"),
    path("lessons/<slug:slug>/export.json", authoring.lesson_export, name="lesson_export"),
    # Authoring a draft (teachers; a draft is its author's): teaching/views/authoring.py
    path("lessons/<slug:slug>/edit/", authoring.lesson_edit, name="lesson_edit"),
    path("lessons/<slug:slug>/details/", authoring.lesson_details, name="lesson_details"),
    path("lessons/<slug:slug>/sentences/<int:position>/", authoring.segment_save, name="segment_save"),
    path("lessons/<slug:slug>/devices/", authoring.device_add, name="device_add"),
    path("lessons/<slug:slug>/devices/<int:device_pk>/", authoring.device_update, name="device_update"),
    path(
        "lessons/<slug:slug>/devices/<int:device_pk>/delete/", authoring.device_delete, name="device_delete"
    ),
    path(
        "lessons/<slug:slug>/suggestions/<int:suggestion_pk>/accept/",
        authoring.suggestion_accept,
        name="suggestion_accept",
    ),
    path(
        "lessons/<slug:slug>/suggestions/<int:suggestion_pk>/reject/",
        authoring.suggestion_reject,
        name="suggestion_reject",
    ),
    path("lessons/<slug:slug>/publish/", authoring.lesson_publish, name="lesson_publish"),
    path("lessons/<slug:slug>/delete/", authoring.lesson_delete, name="lesson_delete"),
    # Classes and assignments (teachers)
    path("classes/", classrooms.classroom_list, name="classroom_list"),
    path("classes/new/", classrooms.classroom_create, name="classroom_create"),
    path("classes/<int:pk>/", classrooms.classroom_detail, name="classroom_detail"),
    path("classes/<int:pk>/rename/", classrooms.classroom_rename, name="classroom_rename"),
    path("classes/<int:pk>/archive/", classrooms.classroom_archive, name="classroom_archive"),
    path("classes/<int:pk>/code/", classrooms.classroom_rotate_code, name="classroom_rotate_code"),
    path("classes/<int:pk>/join-sheet/", classrooms.classroom_join_sheet, name="classroom_join_sheet"),
    path("classes/<int:pk>/students/", classrooms.students_add, name="students_add"),
    path(
        "classes/<int:pk>/students/<int:student_pk>/password/",
        classrooms.student_reset_password,
        name="student_reset_password",
    ),
    path(
        "classes/<int:pk>/students/<int:student_pk>/remove/",
        classrooms.student_remove,
        name="student_remove",
    ),
    path("classes/<int:pk>/assign/", classrooms.assignment_create, name="assignment_create"),
    # Privacy (teachers)
    path("classes/<int:pk>/export.json", privacy.classroom_export_json, name="classroom_export_json"),
    path("classes/<int:pk>/export.csv", privacy.classroom_export_csv, name="classroom_export_csv"),
    path("classes/<int:pk>/delete/", privacy.classroom_delete, name="classroom_delete"),
    path(
        "classes/<int:pk>/students/<int:student_pk>/delete/",
        privacy.classroom_student_delete,
        name="classroom_student_delete",
    ),
    # Accounts
    path("join/", accounts.student_join, name="student_join"),
    path("join/welcome/", accounts.student_welcome, name="student_welcome"),
    path("signup/<str:token>/", accounts.teacher_signup, name="teacher_signup"),
    path("password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    # Results (teachers)
    path("assignments/<int:pk>/results/", results.assignment_results, name="assignment_results"),
    path("assignments/<int:pk>/results.csv", results.assignment_results_csv, name="assignment_results_csv"),
    path("assignments/<int:pk>/analysis/", results.assignment_analysis, name="assignment_analysis"),
    path(
        "assignments/<int:pk>/students/<int:student_pk>/",
        results.attempt_review,
        name="attempt_review",
    ),
    path("classes/<int:pk>/overview/", results.classroom_overview, name="classroom_overview"),
    path(
        "classes/<int:pk>/students/<int:student_pk>/progress/",
        results.student_progress,
        name="student_progress",
    ),
    # Student pages
    path("me/", student.student_home, name="student_home"),
    path("work/<int:assignment_pk>/", student.assignment_overview, name="assignment_overview"),
    path("work/<int:assignment_pk>/submit/", student.attempt_submit, name="attempt_submit"),
    path("work/<int:assignment_pk>/voices/", voices.voices, name="voices"),
    path("work/<int:assignment_pk>/voices/<int:segment_pk>/", voices.voice_save, name="voice_save"),
    path("work/<int:assignment_pk>/feedback/voices/", voices.voices_feedback, name="voices_feedback"),
    path("work/<int:assignment_pk>/devices/", devices.devices, name="devices"),
    path("work/<int:assignment_pk>/marks/", devices.mark_add, name="mark_add"),
    path("work/<int:assignment_pk>/marks/<uuid:client_id>/", devices.mark_change, name="mark_change"),
    path(
        "work/<int:assignment_pk>/feedback/devices/",
        devices_feedback.devices_feedback,
        name="devices_feedback",
    ),
    path("techniques.css", devices.technique_css, name="technique_css"),
    path("admin/", admin.site.urls),
]
