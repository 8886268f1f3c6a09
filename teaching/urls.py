from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import path

from teaching.views import classrooms, lessons, pages, student

urlpatterns = [
    path("", pages.home, name="home"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    # Lesson library (teachers)
    path("lessons/", lessons.lesson_list, name="lesson_list"),
    path("lessons/<slug:slug>/", lessons.lesson_detail, name="lesson_detail"),
    # Classes and assignments (teachers)
    path("classes/", classrooms.classroom_list, name="classroom_list"),
    # Student pages
    path("me/", student.student_home, name="student_home"),
    path("work/<int:assignment_pk>/", student.assignment_overview, name="assignment_overview"),
    path("work/<int:assignment_pk>/submit/", student.attempt_submit, name="attempt_submit"),
    path("admin/", admin.site.urls),
]
