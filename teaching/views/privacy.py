"""A teacher's privacy controls: take a class's data away (JSON, CSV), delete a student or a class."""

from django.contrib import messages
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from teaching.access import teacher_required
from teaching.models import Classroom
from teaching.privacy import (
    StudentDeletion,
    class_csv,
    class_data,
    class_deletion_preview,
    delete_classroom,
    delete_student,
    linked_students,
)
from teaching.security_log import log_event, user_fields


def _own_classroom(request, pk):
    """Return the requesting teacher's class ``pk`` (archived ones too), or raise Http404."""
    return get_object_or_404(Classroom.objects.taught_by(request.user).select_related("teacher"), pk=pk)


def _attachment(response, classroom, extension):
    # The file is named by id and date, never by the class name a teacher typed.
    filename = f"lens-class-{classroom.pk}-{timezone.localdate():%Y-%m-%d}.{extension}"
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


@require_GET
@teacher_required
def classroom_export_json(request, pk):
    """Download everything Lens keeps about a class, as JSON."""
    classroom = _own_classroom(request, pk)
    data = class_data(classroom=classroom)
    log_event("privacy.export", format="json", classroom=classroom.pk, **user_fields(request.user))
    response = JsonResponse(data, json_dumps_params={"indent": 2, "ensure_ascii": False})
    return _attachment(response, classroom, "json")


@require_GET
@teacher_required
def classroom_export_csv(request, pk):
    """Download everything Lens keeps about a class, as one CSV table (one fact per row)."""
    classroom = _own_classroom(request, pk)
    text = class_csv(class_data(classroom=classroom))
    log_event("privacy.export", format="csv", classroom=classroom.pk, **user_fields(request.user))
    # The byte-order mark makes spreadsheet programs read the file as UTF-8.
    response = HttpResponse("\ufeff" + text, content_type="text/csv; charset=utf-8")
    return _attachment(response, classroom, "csv")


@require_http_methods(["GET", "POST"])
@teacher_required
def classroom_delete(request, pk):
    """Ask the teacher to confirm (GET), then delete the class with all its work (POST)."""
    classroom = _own_classroom(request, pk)
    if request.method == "POST":
        counts = delete_classroom(classroom=classroom)
        log_event("privacy.delete_class", classroom=pk, **counts, **user_fields(request.user))
        text = _("The class “%(name)s” and all its work are deleted.") % {"name": classroom.name}
        messages.success(request, text)
        return redirect("classroom_list")
    context = {"classroom": classroom, "preview": class_deletion_preview(classroom)}
    return render(request, "teaching/privacy_class_delete.html", context)


@require_http_methods(["GET", "POST"])
@teacher_required
def classroom_student_delete(request, pk, student_pk):
    """Ask the teacher to confirm (GET), then delete a student's account or their work here (POST)."""
    classroom = _own_classroom(request, pk)
    student = get_object_or_404(linked_students(classroom), pk=student_pk)
    if request.method == "POST":
        deletion = delete_student(classroom=classroom, student=student)
        log_event(
            "privacy.delete_student",
            classroom=classroom.pk,
            student=student_pk,
            whole_account=deletion.whole_account,
            attempts=deletion.attempt_count,
            **user_fields(request.user),
        )
        messages.success(request, _("%(name)s and their work are deleted.") % {"name": student.display_name})
        return redirect("classroom_detail", pk=classroom.pk)
    deletion = StudentDeletion.plan(classroom=classroom, student=student)
    return render(request, "teaching/privacy_student_delete.html", {"deletion": deletion})
