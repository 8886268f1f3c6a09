"""The results table's own rendering: what django-tables2 would have written, and its sorting."""

import datetime

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django_tables2 import RequestConfig

from teaching.classwork import StudentResult
from teaching.models import Assignment
from teaching.results_table import ResultsTable


def line(pk, name, *, status="in_progress", voices=None, submitted_at=None):
    started = status != "not_started"
    scores = (voices, 0.5, 0.25, 0.75, 1, 2) if voices is not None else (None,) * 6
    return StudentResult(
        pk, name, f"user{pk}", status, started, 60 if started else None, submitted_at, *scores
    )


def table_for(lines, query="", key_items=3, assignment_pk=7):
    request = RequestFactory().get("/results/" + query)
    table = ResultsTable(lines, assignment=Assignment(pk=assignment_pk), key_items=key_items)
    RequestConfig(request, paginate={"per_page": 2}).configure(table)
    return table


LINES = [
    line(1, "Bea", voices=0.5),
    line(
        2,
        "<Al>",
        voices=1.0,
        status="submitted",
        submitted_at=datetime.datetime(2026, 1, 2, 3, 4, tzinfo=datetime.UTC),
    ),
    line(3, "Cy", status="not_started"),
]


def test_each_table_has_its_own_header_for_the_number_of_key_items():
    first, second = table_for(LINES, key_items=3), table_for(LINES, key_items=60)

    assert "Hits (of 3)" in first.header_row()
    assert "Hits (of 60)" in second.header_row()
    assert "Hits (of 3)" in first.header_row()  # making the second did not change the first
    assert str(ResultsTable.base_columns["hits"].verbose_name) == "Hits"


def test_rows_escape_names_and_show_dashes_for_what_is_not_there():
    body = table_for(LINES, "?page=2").body_rows()

    assert body == (
        '<tr class="even"><th scope="row" ><a href="/assignments/7/students/3/" id="student-3">Cy</a></th>'
        '<td ><span class="badge status-not_started">Not started</span></td>'
        + '<td class="number">—</td>' * 7
        + "<td >—</td></tr>"
    )
    first_page = table_for(LINES).body_rows()
    assert "&lt;Al&gt;</a>" in first_page and "<Al>" not in first_page
    assert '<time datetime="2026-01-02T03:04:00+00:00">2026-01-02 03:04</time>' in first_page


def test_the_same_line_in_two_assignments_links_to_each_ones_review():
    first, second = table_for(LINES, assignment_pk=7), table_for(LINES, assignment_pk=8)

    assert 'href="/assignments/7/students/2/"' in first.body_rows()
    assert 'href="/assignments/8/students/2/"' in second.body_rows()


@pytest.mark.parametrize("query", ["", "?page=2", "?sort=-voices&page=2", "?sort=status&name=x"])
def test_the_table_is_its_template_around_its_rows(query):
    table = table_for(LINES, query)
    rendered = render_to_string(table.template_name, {"table": table, "rows": table.body_rows()})

    assert table.html() == table.html() == rendered


def test_a_table_without_rows_says_so():
    table = table_for([])

    assert table.html() == render_to_string(table.template_name, {"table": table, "rows": ""})
    assert "No students match these filters." in table.html()


@pytest.mark.parametrize(
    ("sort", "names"),
    [
        ("", ["<Al>", "Bea", "Cy"]),
        ("-name", ["Cy", "Bea", "<Al>"]),
        ("voices", ["Cy", "Bea", "<Al>"]),
        ("-voices", ["<Al>", "Bea", "Cy"]),
        ("status", ["Cy", "Bea", "<Al>"]),
        ("-submitted_at", ["<Al>", "Cy", "Bea"]),
    ],
)
def test_sorting_puts_unscored_lines_below_every_score_and_ties_in_name_order(sort, names):
    table = table_for(LINES, f"?sort={sort}" if sort else "")

    assert [row.name for row in table.data] == names


def test_sort_and_page_links_keep_the_other_parameters_and_mark_the_sorted_column():
    table = table_for(LINES, "?sort=-voices&status=submitted&page=2")
    header, pages = table.header_row(), table.page_items()

    assert 'aria-sort="descending"' in header
    assert 'href="?sort=voices&amp;status=submitted"' in header  # sorting again starts on page 1
    assert 'href="?sort=-voices&amp;status=submitted&amp;page=1" id="page-previous" rel="prev"' in pages
    assert 'aria-current="page" class="current-page"' in pages


def test_csv_values_are_plain_text_and_blank_where_the_page_shows_a_dash():
    header, *rows = table_for(LINES, "?page=2").as_values()

    assert header[:3] == ["Student", "Status", "Minutes"]
    assert rows[2] == ["Cy", "Not started", None, None, None, None, None, None, None, None]
    assert rows[0][:4] == ["<Al>", "Submitted", 1, "100%"]
    assert len(rows) == 3  # every page
