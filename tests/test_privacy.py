"""A teacher's privacy controls: export a class's data; delete a student or a class; purge old classes."""

import csv
import datetime
import io
import json
import logging

import pytest
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from teaching.models import Assignment, Attempt, Classroom, Enrollment, Mark, User, VoiceAnswer
from teaching.privacy import CSV_COLUMNS, EXPORT_FORMAT, class_csv, class_data

pytestmark = pytest.mark.usefixtures("fast_password_hashing")


def client_for(user):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def counts():
    return {
        model.__name__: model.objects.count()
        for model in (User, Classroom, Enrollment, Assignment, Attempt, VoiceAnswer, Mark)
    }


# Export ----------------------------------------------------------------------


def test_json_export_downloads_the_whole_class(world):
    response = client_for(world.owner).get(reverse("classroom_export_json", args=[world.classroom.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"].startswith(
        f'attachment; filename="lens-class-{world.classroom.pk}-'
    )
    data = json.loads(response.content)
    assert data["format"] == EXPORT_FORMAT
    assert data["class"]["name"] == "Class A"
    assert [s["username"] for s in data["students"]] == ["student-a"]
    assert [a["id"] for a in data["assignments"]] == [world.assignment.pk]
    [attempt] = data["attempts"]
    assert attempt["student_id"] == world.student.pk and attempt["seconds_spent"] == 120
    assert attempt["voice_answers"][0]["voice"] == "direct"
    assert attempt["marks"][0]["text"] == "total disaster"
    assert attempt["scores"]["devices_hits"] == 1
    assert attempt["scores"]["voices_answered"] == 1


def test_export_holds_nothing_of_another_class_and_no_secrets(world):
    text = client_for(world.owner).get(reverse("classroom_export_json", args=[world.classroom.pk])).text
    assert "student-b" not in text and "Class B" not in text
    assert world.classroom.join_code not in text
    assert world.student.password not in text


def test_export_includes_a_removed_students_work_and_says_they_left(world):
    Enrollment.objects.filter(student=world.student).delete()
    data = class_data(classroom=world.classroom)
    assert data["students"][0]["enrolled"] is False
    assert len(data["attempts"]) == 1


def test_csv_export_has_one_fact_per_row_for_every_kind_of_record(world):
    response = client_for(world.owner).get(reverse("classroom_export_csv", args=[world.classroom.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert {row["record"] for row in rows} == {
        "class",
        "student",
        "assignment",
        "attempt",
        "voice_answer",
        "mark",
        "score",
    }
    [mark] = [row for row in rows if row["record"] == "mark"]
    assert mark["username"] == "student-a" and mark["item"] == "loaded-language"
    assert mark["value"] == "total disaster"
    assert list(rows[0]) == CSV_COLUMNS


FORMULAS = ['=HYPERLINK("http://evil.example")', "+1+cmd", "-2+3+cmd|' /C calc'!A0", "@SUM(A1)"]


@pytest.mark.parametrize("name", FORMULAS)
def test_csv_cells_that_a_spreadsheet_would_run_as_formulas_are_made_text(world, name):
    world.student.display_name = name
    world.student.save()
    rows = list(csv.reader(io.StringIO(class_csv(class_data(classroom=world.classroom)))))
    names = {row[3] for row in rows if row[0] == "student"}
    assert names == {"'" + name}


@pytest.mark.parametrize("value", ["-0.25", "+3", "-2"])
def test_plain_numbers_stay_numbers_in_csv(value):
    from teaching.privacy import spreadsheet_safe

    assert spreadsheet_safe(value) == value


@pytest.mark.parametrize("role", ["other_teacher", "student_of_class", "admin"])
@pytest.mark.parametrize("name", ["classroom_export_json", "classroom_export_csv"])
def test_nobody_but_the_classs_teacher_can_export_it(world, role, name):
    response = client_for(world.user(role)).get(reverse(name, args=[world.classroom.pk]))
    assert response.status_code == 404


def test_an_archived_class_can_still_be_exported(world):
    world.classroom.archived_at = timezone.now()
    world.classroom.save()
    url = reverse("classroom_export_json", args=[world.classroom.pk])
    assert client_for(world.owner).get(url).status_code == 200


def test_exports_are_logged(world, caplog):
    caplog.set_level(logging.INFO, logger="lens.security")
    client_for(world.owner).get(reverse("classroom_export_csv", args=[world.classroom.pk]))
    assert any(
        f"event=privacy.export format=csv classroom={world.classroom.pk}" in r.getMessage()
        for r in caplog.records
    )


# Deleting a student -----------------------------------------------------------


def student_delete_url(world, student=None, classroom=None):
    classroom = classroom or world.classroom
    return reverse("classroom_student_delete", args=[classroom.pk, (student or world.student).pk])


def test_the_confirmation_page_says_what_goes_and_deletes_nothing(world):
    before = counts()
    response = client_for(world.owner).get(student_delete_url(world))
    assert response.status_code == 200
    page = response.content.decode()
    assert "can no longer log in" in page and "cannot be undone" in page
    assert counts() == before


def test_a_student_in_no_other_teachers_class_is_deleted_with_all_their_work(world):
    response = client_for(world.owner).post(student_delete_url(world))
    assert response.status_code == 302
    assert response.url == reverse("classroom_detail", args=[world.classroom.pk])
    assert not User.objects.filter(pk=world.student.pk).exists()
    assert not Attempt.objects.filter(pk=world.attempt.pk).exists()
    assert not Mark.objects.filter(attempt_id=world.attempt.pk).exists()
    assert not VoiceAnswer.objects.filter(attempt_id=world.attempt.pk).exists()
    # The other class is untouched.
    assert Attempt.objects.filter(pk=world.other_attempt.pk).exists()


def test_a_student_also_in_another_teachers_class_keeps_the_account_and_that_work(world):
    Enrollment.objects.create(classroom=world.other_classroom, student=world.student)
    theirs = Attempt.objects.create(assignment=world.other_assignment, student=world.student)
    page = client_for(world.owner).get(student_delete_url(world)).content.decode()
    assert "another teacher" in page
    client_for(world.owner).post(student_delete_url(world))
    assert User.objects.filter(pk=world.student.pk).exists()
    assert not Enrollment.objects.filter(student=world.student, classroom=world.classroom).exists()
    assert not Attempt.objects.filter(pk=world.attempt.pk).exists()
    assert Attempt.objects.filter(pk=theirs.pk).exists()
    assert Enrollment.objects.filter(student=world.student, classroom=world.other_classroom).exists()


def test_work_in_another_teachers_class_keeps_the_account_even_after_leaving_it(world):
    theirs = Attempt.objects.create(assignment=world.other_assignment, student=world.student)
    client_for(world.owner).post(student_delete_url(world))
    assert User.objects.filter(pk=world.student.pk).exists()
    assert Attempt.objects.filter(pk=theirs.pk).exists()


def test_a_student_in_two_of_the_same_teachers_classes_is_deleted_and_the_page_names_the_other(world):
    second = Classroom.objects.create(teacher=world.owner, name="Class A2")
    Enrollment.objects.create(classroom=second, student=world.student)
    assert "Class A2" in client_for(world.owner).get(student_delete_url(world)).content.decode()
    client_for(world.owner).post(student_delete_url(world))
    assert not User.objects.filter(pk=world.student.pk).exists()


def test_a_removed_student_with_work_left_in_the_class_can_still_be_deleted(world):
    Enrollment.objects.filter(student=world.student).delete()
    assert client_for(world.owner).post(student_delete_url(world)).status_code == 302
    assert not User.objects.filter(pk=world.student.pk).exists()


@pytest.mark.parametrize("method", ["get", "post"])
def test_another_teacher_cannot_delete_the_student(world, method):
    before = counts()
    response = getattr(client_for(world.other_teacher), method)(student_delete_url(world))
    assert response.status_code == 404
    assert counts() == before


def test_a_student_of_another_class_cannot_be_deleted_through_this_one(world):
    before = counts()
    response = client_for(world.owner).post(student_delete_url(world, student=world.other_student))
    assert response.status_code == 404
    assert counts() == before


def test_a_teacher_cannot_be_deleted_through_the_student_route(world):
    Enrollment.objects.create(classroom=world.classroom, student=world.other_teacher)
    response = client_for(world.owner).post(student_delete_url(world, student=world.other_teacher))
    assert response.status_code == 404
    assert User.objects.filter(pk=world.other_teacher.pk).exists()


# Deleting a class ---------------------------------------------------------------


def test_class_deletion_asks_first_with_counts(world):
    before = counts()
    response = client_for(world.owner).get(reverse("classroom_delete", args=[world.classroom.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "1 assignment" in page and "1 piece of student work" in page
    assert "1 student account that is in no other class" in page
    assert counts() == before


def test_deleting_a_class_deletes_its_work_and_students_left_in_no_class(world):
    stays = User.objects.create_user("student-c", role=User.Role.STUDENT)
    Enrollment.objects.create(classroom=world.classroom, student=stays)
    Enrollment.objects.create(classroom=world.other_classroom, student=stays)
    response = client_for(world.owner).post(reverse("classroom_delete", args=[world.classroom.pk]))
    assert response.status_code == 302 and response.url == reverse("classroom_list")
    assert not Classroom.objects.filter(pk=world.classroom.pk).exists()
    assert not Assignment.objects.filter(pk=world.assignment.pk).exists()
    assert not Attempt.objects.filter(pk=world.attempt.pk).exists()
    assert not User.objects.filter(pk=world.student.pk).exists()
    assert User.objects.filter(pk=stays.pk).exists()
    assert User.objects.filter(pk=world.owner.pk).exists()
    assert Attempt.objects.filter(pk=world.other_attempt.pk).exists()


@pytest.mark.parametrize("role", ["other_teacher", "student_of_class", "admin"])
def test_nobody_but_the_classs_teacher_can_delete_it(world, role):
    before = counts()
    response = client_for(world.user(role)).post(reverse("classroom_delete", args=[world.classroom.pk]))
    assert response.status_code == 404
    assert counts() == before


def test_deletions_are_logged_without_names(world, caplog):
    caplog.set_level(logging.INFO, logger="lens.security")
    client_for(world.owner).post(student_delete_url(world))
    [line] = [r.getMessage() for r in caplog.records if "privacy.delete_student" in r.getMessage()]
    assert f"student={world.student.pk}" in line and "whole_account=True" in line
    assert "Student-A" not in line


# Purging archived classes ----------------------------------------------------


def archive(classroom, days_ago):
    classroom.archived_at = timezone.now() - datetime.timedelta(days=days_ago)
    classroom.save()


def purge(*args):
    out = io.StringIO()
    call_command("purge_archived", *args, stdout=out)
    return out.getvalue()


@override_settings(LENS_RETENTION_DAYS=30)
def test_purge_deletes_classes_archived_longer_than_the_retention_period(world):
    archive(world.classroom, days_ago=31)
    archive(world.other_classroom, days_ago=29)
    output = purge()
    assert not Classroom.objects.filter(pk=world.classroom.pk).exists()
    assert not Attempt.objects.filter(pk=world.attempt.pk).exists()
    assert not User.objects.filter(pk=world.student.pk).exists()
    assert Classroom.objects.filter(pk=world.other_classroom.pk).exists()
    assert User.objects.filter(pk=world.other_student.pk).exists()
    assert "classes: 1" in output and "attempts: 1" in output and "student accounts: 1" in output


def test_purge_leaves_active_classes_alone(world):
    before = counts()
    assert "classes: 0" in purge()
    assert counts() == before


@override_settings(LENS_RETENTION_DAYS=30)
def test_dry_run_counts_the_same_and_deletes_nothing(world):
    archive(world.classroom, days_ago=31)
    before = counts()
    dry = purge("--dry-run")
    assert counts() == before
    assert dry.startswith("Would delete")
    assert dry.replace("Would delete", "Deleted") == purge()


def test_purge_deletes_student_accounts_in_no_class_after_a_days_grace(world):
    old = User.objects.create_user("lonely", role=User.Role.STUDENT)
    User.objects.filter(pk=old.pk).update(date_joined=timezone.now() - datetime.timedelta(days=2))
    new = User.objects.create_user("signing-up", role=User.Role.STUDENT)
    assert "student accounts: 1" in purge()
    assert not User.objects.filter(pk=old.pk).exists()
    assert User.objects.filter(pk=new.pk).exists()
    assert User.objects.filter(pk=world.owner.pk).exists()
