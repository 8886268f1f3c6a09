"""
Teachers' classes: the list, one class's page (join code, assignments, roster) and what changes them.

Every query starts from ``Classroom.objects.taught_by(request.user)``: another
teacher's class, or a student in it, is a 404 like a class that does not exist.
"""

from django.contrib import messages
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from teaching.access import teacher_required
from teaching.classes import (
    add_students_in_bulk,
    archive_classroom,
    create_assignment,
    create_classroom,
    remove_student,
    rename_classroom,
    reset_student_password,
    restore_classroom,
    rotate_join_code,
)
from teaching.forms.classes import AssignmentForm, BulkStudentsForm, ClassroomForm
from teaching.models import Classroom, User

DETAIL = "teaching/classroom_detail.html"
# One-time passwords wait here between a plain form's POST and the page it redirects
# to, which shows them once and forgets them.
CREDENTIALS_KEY = "lens_new_credentials"


def _own_classroom(request, pk, *, active=False):
    """Return the requesting teacher's class ``pk``, or raise Http404."""
    classrooms = Classroom.objects.taught_by(request.user)
    return get_object_or_404(classrooms.active() if active else classrooms, pk=pk)


def _status(form):
    """Return 400 for a form sent with something to fix (it is shown again, saying what), else 200."""
    return 400 if form.errors else 200


def _own_student(classroom, student_pk):
    return get_object_or_404(classroom.students.filter(role=User.Role.STUDENT), pk=student_pk)


def _detail_context(classroom, *, add_form=None, credentials=None, notice=""):
    """Return what the class page and its roster fragment show."""
    assignments = classroom.assignments.select_related("lesson").annotate(
        submitted_count=Count("attempts", filter=Q(attempts__submitted_at__isnull=False))
    )
    enrollments = classroom.enrollments.select_related("student").order_by("student__display_name")
    return {
        "classroom": classroom,
        "assignments": assignments,
        "enrollments": enrollments,
        "add_form": add_form or BulkStudentsForm(classroom=classroom),
        "credentials": credentials or [],
        "notice": notice,
    }


def _roster_response(request, classroom, *, credentials=None, notice="", add_form=None):
    """Answer a roster change: the roster fragment for htmx, else redirect to the class page."""
    if not request.htmx:
        if credentials:
            request.session[CREDENTIALS_KEY] = {
                "classroom": classroom.pk,
                "rows": [[c.display_name, c.username, c.password] for c in credentials],
            }
        if notice:
            messages.success(request, notice)
        return redirect(reverse("classroom_detail", args=[classroom.pk]) + "#roster")
    context = _detail_context(classroom, credentials=credentials, notice=notice, add_form=add_form)
    return render(request, f"{DETAIL}#roster", context)


@require_GET
@teacher_required
def classroom_list(request):
    classrooms = Classroom.objects.taught_by(request.user).with_counts()
    context = {
        "classrooms": [c for c in classrooms if not c.is_archived],
        "archived": [c for c in classrooms if c.is_archived],
    }
    return render(request, "teaching/classroom_list.html", context)


@require_http_methods(["GET", "POST"])
@teacher_required
def classroom_create(request):
    form = ClassroomForm(request.POST or None)
    if form.is_valid():
        classroom = create_classroom(teacher=request.user, name=form.cleaned_data["name"])
        messages.success(request, _("Class created. Share its code so students can join."))
        return redirect("classroom_detail", pk=classroom.pk)
    return render(
        request, "teaching/classroom_form.html", {"form": form, "classroom": None}, status=_status(form)
    )


@require_GET
@teacher_required
def classroom_detail(request, pk):
    classroom = _own_classroom(request, pk)
    credentials = None
    stashed = request.session.get(CREDENTIALS_KEY)
    if stashed and stashed["classroom"] == classroom.pk:
        del request.session[CREDENTIALS_KEY]  # shown once
        credentials = [{"display_name": n, "username": u, "password": p} for n, u, p in stashed["rows"]]
    return render(request, DETAIL, _detail_context(classroom, credentials=credentials))


@require_http_methods(["GET", "POST"])
@teacher_required
def classroom_rename(request, pk):
    classroom = _own_classroom(request, pk)
    form = ClassroomForm(request.POST or None, initial={"name": classroom.name})
    if form.is_valid():
        rename_classroom(classroom=classroom, name=form.cleaned_data["name"])
        messages.success(request, _("Class renamed."))
        return redirect("classroom_detail", pk=classroom.pk)
    context = {"form": form, "classroom": classroom}
    return render(request, "teaching/classroom_form.html", context, status=_status(form))


@require_POST
@teacher_required
def classroom_archive(request, pk):
    """Archive the class, or restore it when the form says ``restore``."""
    classroom = _own_classroom(request, pk)
    if request.POST.get("action") == "restore":
        restore_classroom(classroom=classroom)
        messages.success(request, _("“%(name)s” is back in use.") % {"name": classroom.name})
        return redirect("classroom_detail", pk=classroom.pk)
    archive_classroom(classroom=classroom)
    messages.success(
        request,
        _("“%(name)s” is archived. Its code no longer works; its work is kept.") % {"name": classroom.name},
    )
    return redirect("classroom_list")


@require_POST
@teacher_required
def classroom_rotate_code(request, pk):
    classroom = _own_classroom(request, pk, active=True)
    rotate_join_code(classroom=classroom)
    if not request.htmx:
        messages.success(request, _("New join code made. The old code no longer works."))
        return redirect("classroom_detail", pk=classroom.pk)
    return render(request, f"{DETAIL}#join_code", {"classroom": classroom, "rotated": True})


@require_GET
@teacher_required
def classroom_join_sheet(request, pk):
    classroom = _own_classroom(request, pk, active=True)
    context = {"classroom": classroom, "join_url": request.build_absolute_uri(reverse("student_join"))}
    return render(request, "teaching/classroom_join_sheet.html", context)


@require_POST
@teacher_required
def students_add(request, pk):
    classroom = _own_classroom(request, pk, active=True)
    form = BulkStudentsForm(request.POST, classroom=classroom)
    if not form.is_valid():
        template = f"{DETAIL}#roster" if request.htmx else DETAIL
        # 400, and classes.js swaps the roster in anyway: its form shows what to fix.
        return render(request, template, _detail_context(classroom, add_form=form), status=400)
    credentials = add_students_in_bulk(classroom=classroom, display_names=form.cleaned_data["names"])
    return _roster_response(request, classroom, credentials=credentials)


@require_POST
@teacher_required
def student_reset_password(request, pk, student_pk):
    classroom = _own_classroom(request, pk)
    student = _own_student(classroom, student_pk)
    credentials = reset_student_password(classroom=classroom, student=student)
    return _roster_response(request, classroom, credentials=[credentials])


@require_POST
@teacher_required
def student_remove(request, pk, student_pk):
    classroom = _own_classroom(request, pk)
    student = _own_student(classroom, student_pk)
    remove_student(classroom=classroom, student=student)
    notice = _("%(name)s is no longer in this class.") % {"name": student.display_name}
    return _roster_response(request, classroom, notice=notice)


@require_http_methods(["GET", "POST"])
@teacher_required
def assignment_create(request, pk):
    classroom = _own_classroom(request, pk, active=True)
    initial = {"lesson": request.GET.get("lesson")} if request.GET.get("lesson", "").isdigit() else {}
    form = AssignmentForm(request.POST or None, initial=initial)
    if form.is_valid():
        assignment = create_assignment(classroom=classroom, **form.cleaned_data)
        messages.success(
            request, _("“%(lesson)s” is assigned to this class.") % {"lesson": assignment.lesson.title}
        )
        return redirect("classroom_detail", pk=classroom.pk)
    context = {"form": form, "classroom": classroom}
    return render(request, "teaching/assignment_form.html", context, status=_status(form))
