"""
The parts of a teacher's results page that look the same from one view to the next.

While an assignment is open, each teacher's browser asks for the table again every 5 s.
Through templates, the page's header and filter form and the counts above the table
cost as much as all the rest of the page, yet they change only when what they show
does. Each is rendered once per process for each set of values it shows: the key names
every one of them, so an entry is never stale (teaching/lesson_cache.py says why that
is safe), and the template is given the key's values alone, so it cannot show anything
the key leaves out. The table keeps its own parts the same way (teaching/results_table.py).
"""

import dataclasses
import datetime
from types import SimpleNamespace
from typing import NamedTuple

from django.http import QueryDict
from django.template.loader import render_to_string
from django.urls import get_script_prefix
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from teaching.classwork import Summary
from teaching.filters import ResultsFilter
from teaching.lesson_cache import RenderedOnce
from teaching.models import Assignment, User

TEMPLATE = "teaching/assignment_results.html"

# A query string's values, in its order: ((name, (value, …)), …).
Query = tuple[tuple[str, tuple[str, ...]], ...]

# A teacher has a few classes open at a time; an entry is a few KiB.
_TOPS = RenderedOnce(max_entries=256)
_OVERVIEWS = RenderedOnce(max_entries=512)


class _Settings(NamedTuple):
    """What a rendering is written in besides its values: language, time zone, URL prefix."""

    language: str
    time_zone: str
    script_prefix: str

    @classmethod
    def current(cls) -> "_Settings":
        return cls(get_language(), timezone.get_current_timezone_name(), get_script_prefix())


class _Top(NamedTuple):
    """What the page's header and filter form show."""

    settings: _Settings
    assignment_pk: int
    classroom_pk: int
    classroom_name: str
    lesson_title: str
    opens_at: datetime.datetime
    due_at: datetime.datetime
    live: bool  # Open at the time of the request.
    past_due: bool
    filters: Query  # The filter's fields as the request gives them.


def page_top(assignment: Assignment, query: QueryDict, *, live: bool, past_due: bool) -> SafeString:
    """Return the header (breadcrumb, title, state, tabs) and the filter form, filled in from ``query``."""
    top = _Top(
        _Settings.current(),
        assignment.pk,
        assignment.classroom.pk,
        assignment.classroom.name,
        assignment.lesson.title,
        assignment.opens_at,
        assignment.due_at,
        live,
        past_due,
        tuple((name, tuple(query.getlist(name))) for name in ResultsFilter.base_filters),
    )
    return _TOPS.get(top, lambda: _render_top(top))


def _render_top(top: _Top) -> SafeString:
    # A form per widget and per checkbox, each through a template: as long as the rest of the page takes.
    form = ResultsFilter(_query_dict(top.filters), queryset=User.objects.none(), assignment=None).form
    assignment = SimpleNamespace(
        pk=top.assignment_pk,
        classroom=SimpleNamespace(pk=top.classroom_pk, name=top.classroom_name),
        lesson=SimpleNamespace(title=top.lesson_title),
        opens_at=top.opens_at,
        due_at=top.due_at,
    )
    context = {"assignment": assignment, "live": top.live, "past_due": top.past_due, "form": form}
    return render_to_string(f"{TEMPLATE}#page-top", context)


class _Overview(NamedTuple):
    """What the heading, the CSV link and the class's headcounts and medians above the table show."""

    settings: _Settings
    assignment_pk: int
    shown: int  # Students the table shows, on every page.
    query: Query  # The request's query string, but the page (the CSV has every page).
    summary: tuple  # The Summary's fields, by_status as sorted pairs.


def results_overview(assignment: Assignment, query: QueryDict, *, shown: int, summary: Summary) -> SafeString:
    """Return the heading with the number of students shown, the CSV link and the class's summary."""
    overview = _Overview(
        _Settings.current(),
        assignment.pk,
        shown,
        tuple((name, tuple(values)) for name, values in query.lists() if name != "page"),
        tuple(
            tuple(sorted(value.items())) if isinstance(value, dict) else value
            for value in (getattr(summary, field.name) for field in dataclasses.fields(summary))
        ),
    )
    return _OVERVIEWS.get(overview, lambda: _render_overview(overview))


def _render_overview(overview: _Overview) -> SafeString:
    fields = [field.name for field in dataclasses.fields(Summary)]
    values = dict(zip(fields, overview.summary, strict=True))
    values["by_status"] = dict(values["by_status"])
    context = {
        "assignment": SimpleNamespace(pk=overview.assignment_pk),
        "shown": overview.shown,
        "query": _query_dict(overview.query),
        "summary": Summary(**values),
    }
    return render_to_string(f"{TEMPLATE}#overview", context)


def _query_dict(query: Query) -> QueryDict:
    data = QueryDict(mutable=True)
    for name, values in query:
        data.setlist(name, values)
    return data
