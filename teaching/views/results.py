"""
Teachers' results: the table per assignment, its CSV, the item analysis, one student's
attempt, and a class's progress across assignments.

Every page scores the whole class from prefetched work (``teaching.classwork``), so
its number of queries does not grow with the number of students. While an
assignment is open, the table and the analysis re-fetch their own fragment.
"""

import tablib
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from django_tables2 import RequestConfig

from teaching.access import teacher_required
from teaching.analysis import analyse, technique_index
from teaching.charts import histogram_chart
from teaching.classwork import (
    class_students,
    load_class_scores,
    load_class_work,
    load_classroom_work,
    summarise,
)
from teaching.filters import AnalysisFilterForm, ResultsFilter, filter_rows
from teaching.models import Classroom
from teaching.privacy import spreadsheet_safe
from teaching.results_page import page_top, results_overview
from teaching.results_table import PER_PAGE, ResultsTable
from teaching.review import review_attempt
from teaching.tables import ItemTable, item_rows
from teaching.work import assignment_for_teacher

# How often an open assignment's table and analysis refresh themselves.
POLL_SECONDS = 5


def _results_table(request, work, *, paginate):
    """Return the table of ``work`` as the request's filters, sort and page ask."""
    assignment = work.assignment
    rows = work.students
    if any(name in request.GET for name in ResultsFilter.base_filters):
        # Without one, every student is shown: no filter form to build and validate.
        filterset = ResultsFilter(
            request.GET, queryset=class_students(assignment.classroom), assignment=assignment
        )
        if filterset.narrows_roster:
            shown = set(filterset.qs.values_list("pk", flat=True))
            rows = [row for row in rows if row.student_pk in shown]
        rows = filter_rows(rows, filterset.score_range)
    table = ResultsTable(rows, assignment=assignment, key_items=work.key_items)
    RequestConfig(request, paginate={"per_page": PER_PAGE} if paginate else False).configure(table)
    return table


def _wants_fragment(request):
    """Return whether htmx asked for the page's region (a history restore needs the whole page)."""
    return bool(request.htmx) and not request.htmx.history_restore_request


def _live_context(assignment, now):
    return {
        "live": assignment.is_open(now),
        "past_due": assignment.is_past_due(now),
        "poll_seconds": POLL_SECONDS,
        "updated_at": now,
    }


@require_GET
@teacher_required
def assignment_results(request, pk):
    """Show one row per student with status, time and scores; filter, sort, page; refresh while open."""
    assignment = assignment_for_teacher(request.user, pk)
    now = timezone.now()
    work = load_class_scores(assignment, now=now)
    table = _results_table(request, work, paginate=True)
    live = _live_context(assignment, now)
    context = {
        "assignment": assignment,
        "table": table,
        "overview": results_overview(
            assignment, request.GET, shown=table.paginator.count, summary=summarise(work)
        ),
        "sort": request.GET.get("sort", ""),
        **live,
    }
    template = "teaching/assignment_results.html"
    if _wants_fragment(request):
        template += "#results-region"
    else:
        context["page_top"] = page_top(assignment, request.GET, live=live["live"], past_due=live["past_due"])
    return render(request, template, context)


@require_GET
@teacher_required
def assignment_results_csv(request, pk):
    """Send the results table as CSV: the same filters and sort as the page, every page."""
    assignment = assignment_for_teacher(request.user, pk)
    table = _results_table(request, load_class_scores(assignment), paginate=False)
    header, *rows = table.as_values()
    # Display names are typed by students: none may run as a spreadsheet formula.
    dataset = tablib.Dataset(*([spreadsheet_safe(value) for value in row] for row in rows), headers=header)
    # The byte-order mark makes Excel read the file as UTF-8 (names with accents survive).
    response = HttpResponse("\ufeff" + dataset.export("csv"), content_type="text/csv; charset=utf-8")
    name = slugify(f"{assignment.classroom.name} {assignment.lesson.title}")[:80] or "results"
    response["Content-Disposition"] = content_disposition_header(True, f"{name}-results.csv")
    return response


@require_GET
@teacher_required
def assignment_analysis(request, pk):
    """Show what the class found and missed: key items, techniques, false alarms, voices, heatmap."""
    assignment = assignment_for_teacher(request.user, pk)
    now = timezone.now()
    work = load_class_work(assignment, now=now)
    form = AnalysisFilterForm(request.GET)
    analysis = analyse(work, submitted_only=form.is_valid() and form.cleaned_data["submitted"])
    items = ItemTable(item_rows(analysis.items))
    RequestConfig(request, paginate=False).configure(items)
    charts = [
        histogram_chart(analysis.voices_histogram, chart_id="chart-voices", title=_("Voices score")),
        histogram_chart(
            analysis.named_histogram, chart_id="chart-named", title=_("Devices named F1"), pattern="dots"
        ),
    ]
    context = {
        "assignment": assignment,
        "analysis": analysis,
        "items_table": items,
        "charts": charts,
        "form": form,
        "summary": summarise(work),
        **_live_context(assignment, now),
    }
    template = "teaching/assignment_analysis.html"
    if _wants_fragment(request):
        template += "#analysis-region"
    return render(request, template, context)


@require_GET
@teacher_required
def attempt_review(request, pk, student_pk):
    """Show one student's attempt, read-only, laid over the key."""
    assignment = assignment_for_teacher(request.user, pk)
    work = load_class_work(assignment)
    student = work.for_student(student_pk)
    if student is None:
        raise Http404
    index = work.students.index(student)
    context = {
        "assignment": assignment,
        "review": review_attempt(work, student, technique_index(work)),
        "student": student,
        "previous": work.students[index - 1] if index > 0 else None,
        "next": work.students[index + 1] if index + 1 < len(work.students) else None,
        "position": index + 1,
        "class_size": len(work.students),
        "key_items": len(work.key.devices),
    }
    return render(request, "teaching/attempt_review.html", context)


@require_GET
@teacher_required
def classroom_overview(request, pk):
    """Show every assignment of a class with completion and average scores, and a grid by student."""
    classroom = get_object_or_404(Classroom.objects.taught_by(request.user), pk=pk)
    works = load_classroom_work(classroom)
    students = [w.student for w in works[0].students] if works else list(class_students(classroom))
    grid = [(student, [work.students[i] for work in works]) for i, student in enumerate(students)]
    context = {
        "classroom": classroom,
        "assignments": [(work.assignment, summarise(work)) for work in works],
        "grid": grid,
        "student_count": len(students),
    }
    return render(request, "teaching/classroom_overview.html", context)


@require_GET
@teacher_required
def student_progress(request, pk, student_pk):
    """Show one student's work across every assignment of a class, beside the class's averages."""
    classroom = get_object_or_404(Classroom.objects.taught_by(request.user), pk=pk)
    students = {s.pk: s for s in class_students(classroom)}
    if student_pk not in students:
        raise Http404
    works = load_classroom_work(classroom)
    rows = [(work.assignment, work.for_student(student_pk), summarise(work)) for work in works]
    context = {"classroom": classroom, "student": students[student_pk], "rows": rows}
    return render(request, "teaching/student_progress.html", context)
