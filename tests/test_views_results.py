"""The teacher's results pages: table, CSV, item analysis, attempt review, class overview, progress."""

import csv
import datetime
import io
from html.parser import HTMLParser

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from teaching.models import Attempt
from tests.factories import BETA_GAMMA, EPSILON, give_work, make_class, make_tiny_class, make_tiny_lesson

HTMX = {"headers": {"HX-Request": "true"}}


class _TableRows(HTMLParser):
    """Collect the text of each body row (th and td cells) of the table with a given id."""

    def __init__(self, table_id):
        super().__init__()
        self.table_id = table_id
        self.depth = 0  # > 0 while inside the table
        self.in_body = False
        self.rows, self.row, self.cell = [], None, None

    def handle_starttag(self, tag, attrs):
        if tag == "table" and dict(attrs).get("id") == self.table_id:
            self.depth = 1
        elif self.depth and tag == "table":
            self.depth += 1
        elif self.depth and tag == "tbody":
            self.in_body = True
        elif self.in_body and tag == "tr":
            self.row = []
        elif self.row is not None and tag in ("td", "th"):
            self.cell = []

    def handle_endtag(self, tag):
        if self.depth and tag == "table":
            self.depth -= 1
        elif tag == "tbody":
            self.in_body = False
        elif self.row is not None and tag in ("td", "th") and self.cell is not None:
            self.row.append(" ".join("".join(self.cell).split()))
            self.cell = None
        elif self.row is not None and tag == "tr":
            self.rows.append(self.row)
            self.row = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


def table_rows(response, table_id="results-table"):
    """Return the cell texts of each data row (an "empty" message row is not one)."""
    parser = _TableRows(table_id)
    parser.feed(response.content.decode())
    return [row for row in parser.rows if len(row) > 1]


def names(response):
    return [row[0] for row in table_rows(response)]


def csv_rows(response):
    text = response.content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


@pytest.fixture
def tiny(teacher):
    return make_tiny_class(teacher)


@pytest.fixture
def teacher_client(client, teacher):
    client.force_login(teacher)
    return client


def results_url(assignment, **query):
    url = reverse("assignment_results", args=[assignment.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


# Who may see results ---------------------------------------------------------------


def _result_urls(assignment, student):
    classroom = assignment.classroom
    return [
        reverse("assignment_results", args=[assignment.pk]),
        reverse("assignment_results_csv", args=[assignment.pk]),
        reverse("assignment_analysis", args=[assignment.pk]),
        reverse("attempt_review", args=[assignment.pk, student.pk]),
        reverse("classroom_overview", args=[classroom.pk]),
        reverse("student_progress", args=[classroom.pk, student.pk]),
    ]


def test_anonymous_visitors_are_sent_to_log_in(client, tiny):
    _, assignment, students = tiny
    for url in _result_urls(assignment, students[0]):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login")), url


def test_another_teacher_gets_404_on_every_results_page(client, tiny, other_teacher):
    _, assignment, students = tiny
    client.force_login(other_teacher)
    for url in _result_urls(assignment, students[0]):
        assert client.get(url).status_code == 404, url


def test_a_student_gets_404_even_on_their_own_results(client, tiny):
    _, assignment, students = tiny
    client.force_login(students[0])
    for url in _result_urls(assignment, students[0]):
        assert client.get(url).status_code == 404, url


def test_results_pages_refuse_post(teacher_client, tiny):
    _, assignment, _ = tiny
    assert teacher_client.post(results_url(assignment)).status_code == 405


# The results table -----------------------------------------------------------------


def test_results_page_has_a_row_for_every_student_including_those_not_started(teacher_client, tiny):
    _, assignment, students = tiny
    response = teacher_client.get(results_url(assignment))
    assert response.status_code == 200
    rows = table_rows(response)
    assert [row[0] for row in rows] == [s.display_name for s in students]
    first, *_, last = rows
    # Student, status, minutes, voices, kappa, named F1, spotted F1, hits, false alarms, submitted.
    assert first[1:9] == ["Submitted", "25", "100%", "1.00", "100%", "100%", "2", "0"]
    assert last[1:] == ["Not started"] + ["—"] * 8
    assert rows[3][1] == "In progress"
    assert "Hits (of 2)" in response.content.decode()


def test_results_page_links_each_row_to_the_attempt_review(teacher_client, tiny):
    _, assignment, students = tiny
    response = teacher_client.get(results_url(assignment))
    assert reverse("attempt_review", args=[assignment.pk, students[1].pk]) in response.content.decode()


def test_results_fragment_is_only_the_table_region_and_polls_while_open(teacher_client, tiny):
    _, assignment, _ = tiny
    response = teacher_client.get(results_url(assignment, sort="-voices"), **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html and 'id="results-filter"' not in html
    assert html.lstrip().startswith('<section id="results-region"')
    assert 'hx-trigger="every 5s"' in html
    # The poll asks for the same sort again.
    assert f'hx-get="{results_url(assignment, sort="-voices")}"' in html
    assert table_rows(response)
    assert response["Vary"] and "HX-Request" in response["Vary"]


def test_results_back_button_restore_gets_the_whole_page(teacher_client, tiny):
    _, assignment, _ = tiny
    headers = {"HX-Request": "true", "HX-History-Restore-Request": "true"}
    for url in (
        results_url(assignment, sort="-voices"),
        reverse("assignment_analysis", args=[assignment.pk]),
    ):
        html = teacher_client.get(url, headers=headers).content.decode()
        assert "<html" in html and "<nav" in html, url


def test_results_page_stops_polling_once_the_assignment_is_past_due(teacher_client, teacher):
    _, assignment, _ = make_tiny_class(
        teacher, opened_ago=datetime.timedelta(days=3), due_in=datetime.timedelta(days=-1)
    )
    for response in (
        teacher_client.get(results_url(assignment)),
        teacher_client.get(results_url(assignment), **HTMX),
    ):
        html = response.content.decode()
        assert 'hx-trigger="every' not in html
        assert "no longer updates by itself" in html
    statuses = [row[1] for row in table_rows(teacher_client.get(results_url(assignment)))]
    assert statuses == ["Submitted", "Submitted", "Submitted", "Overdue", "Overdue"]


def test_results_of_an_assignment_not_open_yet_do_not_poll(teacher_client, teacher):
    _, assignment, _ = make_class(
        teacher, make_tiny_lesson(), students=2, opened_ago=datetime.timedelta(days=-1)
    )
    html = teacher_client.get(results_url(assignment)).content.decode()
    assert "Not open yet" in html
    assert 'hx-trigger="every' not in html
    assert [row[1] for row in table_rows(teacher_client.get(results_url(assignment)))] == ["Not started"] * 2


def test_results_sort_by_named_f1_best_first_puts_the_unscored_last(teacher_client, tiny):
    _, assignment, students = tiny
    rows = table_rows(teacher_client.get(results_url(assignment, sort="-named_f1")))
    named = [row[5] for row in rows]
    assert named[0] == "100%"
    assert named[-1] == "—"
    shown = [int(value.rstrip("%")) for value in named if value != "—"]
    assert shown == sorted(shown, reverse=True)
    html = teacher_client.get(results_url(assignment, sort="-named_f1")).content.decode()
    assert 'aria-sort="descending"' in html


def test_results_sort_by_status_then_name(teacher_client, tiny):
    _, assignment, students = tiny
    rows = table_rows(teacher_client.get(results_url(assignment, sort="status")))
    assert [row[1] for row in rows] == ["Not started", "In progress", "Submitted", "Submitted", "Submitted"]


def test_results_ignore_an_unknown_sort(teacher_client, tiny):
    _, assignment, students = tiny
    response = teacher_client.get(results_url(assignment, sort="password"))
    assert names(response) == [s.display_name for s in students]


def test_results_show_25_students_a_page(teacher_client, teacher):
    lesson = make_tiny_lesson()
    _, assignment, students = make_class(teacher, lesson, students=30)
    first = teacher_client.get(results_url(assignment))
    second = teacher_client.get(results_url(assignment, page=2))
    assert len(table_rows(first)) == 25
    assert names(second) == [s.display_name for s in students[25:]]
    assert 'aria-current="page"' in second.content.decode()
    # A page past the end shows the last page rather than an error.
    assert names(teacher_client.get(results_url(assignment, page=99))) == names(second)


def test_results_filter_by_any_word_of_the_name(teacher_client, tiny):
    _, assignment, students = tiny
    target = students[2]
    word = target.display_name.split()[-1]
    assert names(teacher_client.get(results_url(assignment, name=word.upper()))) == [target.display_name]


def test_results_filter_by_several_statuses(teacher_client, tiny):
    _, assignment, students = tiny
    response = teacher_client.get(results_url(assignment) + "?status=in_progress&status=not_started")
    assert names(response) == [students[3].display_name, students[4].display_name]


@pytest.mark.parametrize("past_due", [False, True])
def test_results_status_filter_agrees_with_the_status_shown(teacher_client, teacher, past_due):
    due_in = datetime.timedelta(days=-1) if past_due else datetime.timedelta(days=1)
    _, assignment, _ = make_tiny_class(teacher, opened_ago=datetime.timedelta(days=3), due_in=due_in)
    every = table_rows(teacher_client.get(results_url(assignment)))
    for status in Attempt.Status:
        rows = table_rows(teacher_client.get(results_url(assignment, status=status.value)))
        expected = [row for row in every if row[1] == status.label]
        assert rows == expected, status


def test_results_filter_by_score_range_on_the_chosen_measure(teacher_client, tiny):
    _, assignment, students = tiny
    # Voices: a 100%, b 50%, c 17%, d 0% (in progress, nothing answered).
    response = teacher_client.get(results_url(assignment, measure="voices", min_score=40, max_score=100))
    assert names(response) == [students[0].display_name, students[1].display_name]
    response = teacher_client.get(results_url(assignment, measure="voices", max_score=20))
    assert names(response) == [students[2].display_name, students[3].display_name]


def test_results_score_range_includes_a_score_shown_at_its_bound(teacher_client, tiny):
    _, assignment, students = tiny
    response = teacher_client.get(results_url(assignment, measure="voices", min_score=50, max_score=50))
    assert names(response) == [students[1].display_name]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"min_score": "lots"}, "Enter a number."),
        ({"min_score": 80, "max_score": 20}, "The highest score must not be below the lowest."),
        ({"max_score": 150}, "Ensure this value is less than or equal to 100."),
        ({"measure": "shoe-size", "min_score": 50}, "Select a valid choice."),
    ],
)
def test_a_bad_score_range_says_why_and_filters_nothing(teacher_client, tiny, query, message):
    _, assignment, students = tiny
    response = teacher_client.get(results_url(assignment, **query))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert names(response) == [s.display_name for s in students]


def test_a_bad_score_range_keeps_the_other_filters(teacher_client, tiny):
    _, assignment, students = tiny
    response = teacher_client.get(results_url(assignment, status="submitted", min_score="x"))
    assert names(response) == [s.display_name for s in students[:3]]


def test_results_show_an_empty_class_kindly(teacher_client, teacher):
    _, assignment, _ = make_class(teacher, make_tiny_lesson())
    response = teacher_client.get(results_url(assignment))
    assert "No students match these filters." in response.content.decode()


# CSV -----------------------------------------------------------------------------------


def test_csv_has_exactly_the_rows_and_values_the_table_shows(teacher_client, teacher):
    lesson = make_tiny_lesson()
    _, assignment, students = make_class(teacher, lesson, students=30)
    for index, student in enumerate(students[:20]):
        marks = [("loaded", *BETA_GAMMA)] if index % 2 else [("labels", *EPSILON), ("fear", 56, 61)]
        give_work(assignment, student, voices={0: "partial", 1: "direct"}, marks=marks, seconds=60 * index)
    query = "?sort=-spotted_f1&status=submitted&status=not_started"
    page_one = table_rows(teacher_client.get(results_url(assignment) + query))
    page_two = table_rows(teacher_client.get(results_url(assignment) + query + "&page=2"))
    response = teacher_client.get(reverse("assignment_results_csv", args=[assignment.pk]) + query + "&page=2")
    header, *rows = csv_rows(response)
    assert header[:3] == ["Student", "Status", "Minutes"]
    assert header[7] == "Hits (of 2)"
    # Every page, in the page's order; the table's dashes are empty cells.
    assert rows == [[("" if cell == "—" else cell) for cell in row] for row in page_one + page_two]
    assert len(rows) == 30


def test_csv_is_a_utf8_attachment_named_after_the_class_and_lesson(teacher_client, teacher):
    lesson = make_tiny_lesson()
    _, assignment, _ = make_class(teacher, lesson, students=1, name="Année 10 — médias")
    response = teacher_client.get(reverse("assignment_results_csv", args=[assignment.pk]))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.startswith("\ufeff".encode())
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "annee-10-medias-tiny-lesson-tiny-results.csv" in disposition


def test_csv_cannot_smuggle_a_formula_through_a_display_name(teacher_client, teacher):
    lesson = make_tiny_lesson()
    _, assignment, students = make_class(teacher, lesson, students=1)
    students[0].display_name = '=HYPERLINK("http://x.io","Hi")'
    students[0].save()
    give_work(assignment, students[0], voices={0: "narration", 1: "direct"})
    _, (name, *cells) = csv_rows(teacher_client.get(reverse("assignment_results_csv", args=[assignment.pk])))
    assert name == "'" + students[0].display_name
    # Numbers, negative ones included, stay numbers.
    assert all(not cell.startswith("'") for cell in cells)


# Item analysis ---------------------------------------------------------------------


def analysis_url(assignment, query=""):
    return reverse("assignment_analysis", args=[assignment.pk]) + query


def test_analysis_page_shows_every_section_with_the_class_numbers(teacher_client, tiny):
    _, assignment, _ = tiny
    response = teacher_client.get(analysis_url(assignment))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Counting the 4 students who started" in html
    items = table_rows(response, "item-table")
    assert [row[:2] for row in items] == [["1", "“beta gamma”"], ["2", "“epsilon”"]]
    # Found, partly, misnamed, most often named as, missed.
    assert items[0][3:8] == ["50% (2)", "0% (0)", "25% (1)", "Fear (1)", "25% (1)"]
    assert "“theta”" in html  # the common false alarm
    assert 'role="img"' in html and '<title id="chart-voices-title">' in html
    assert 'class="heat heat-3 in-key"' in html
    assert "Sentences the class most often got wrong" in html


def test_analysis_fragment_is_only_the_region_and_polls_while_open(teacher_client, tiny):
    _, assignment, _ = tiny
    response = teacher_client.get(analysis_url(assignment), **HTMX)
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="analysis-region"')
    assert "<html" not in html and 'id="analysis-filter"' not in html
    assert 'hx-trigger="every 5s"' in html


def test_analysis_can_count_only_submitted_work(teacher_client, tiny):
    _, assignment, _ = tiny
    html = teacher_client.get(analysis_url(assignment, "?submitted=on")).content.decode()
    assert "Counting the 3 students who submitted." in html


def test_analysis_items_sort_by_missed_most_first(teacher_client, tiny):
    _, assignment, _ = tiny
    items = table_rows(teacher_client.get(analysis_url(assignment, "?items-sort=-missed")), "item-table")
    assert [row[0] for row in items] == ["2", "1"]


def test_analysis_of_a_class_with_no_work_yet_says_so(teacher_client, teacher):
    _, assignment, _ = make_class(teacher, make_tiny_lesson(), students=3)
    html = teacher_client.get(analysis_url(assignment)).content.decode()
    assert "No work to count yet." in html
    assert "No false alarms so far." in html


# Attempt review -----------------------------------------------------------------------


def review_url(assignment, student):
    return reverse("attempt_review", args=[assignment.pk, student.pk])


def test_review_lays_the_students_work_over_the_key(teacher_client, tiny):
    _, assignment, students = tiny
    response = teacher_client.get(review_url(assignment, students[1]))
    html = response.content.decode()
    assert response.status_code == 200
    items = table_rows(response, "")  # no table has an empty id
    assert items == []
    assert "spotted, named as Fear" in html
    assert "partly found" in html
    assert 'class="student-mark false-alarm"' in html  # "theta"
    assert "“theta”" in html
    assert "½" in html  # paraphrase for a partial quote
    assert "Student 2 of 5" in html
    assert review_url(assignment, students[0]) in html and review_url(assignment, students[2]) in html


def test_review_of_a_student_who_has_not_started_says_so(teacher_client, tiny):
    _, assignment, students = tiny
    html = teacher_client.get(review_url(assignment, students[4])).content.decode()
    assert "has not started this assignment yet" in html


def test_review_of_someone_outside_the_class_is_404(teacher_client, tiny, make_user):
    _, assignment, _ = tiny
    outsider = make_user("outsider")
    assert teacher_client.get(review_url(assignment, outsider)).status_code == 404
    assert teacher_client.get(reverse("attempt_review", args=[assignment.pk, 999999])).status_code == 404


# Class overview and student progress --------------------------------------------------


def test_overview_lists_every_assignment_with_completion_and_averages(teacher_client, tiny):
    classroom, assignment, students = tiny
    response = teacher_client.get(reverse("classroom_overview", args=[classroom.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "3 of 5" in html
    assert reverse("assignment_results", args=[assignment.pk]) in html
    assert reverse("student_progress", args=[classroom.pk, students[0].pk]) in html
    # The first student's cell: voices 100% · named F1 100%.
    assert "100% · 100%" in html


def test_overview_of_a_class_with_nothing_assigned(teacher_client, teacher):
    from teaching.models import Classroom

    classroom = Classroom.objects.create(teacher=teacher, name="Empty")
    html = teacher_client.get(reverse("classroom_overview", args=[classroom.pk])).content.decode()
    assert "Nothing assigned to this class yet." in html


def test_student_progress_shows_each_assignment_beside_the_class_average(teacher_client, tiny):
    classroom, assignment, students = tiny
    response = teacher_client.get(reverse("student_progress", args=[classroom.pk, students[1].pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert students[1].display_name in html
    assert review_url(assignment, students[1]) in html
    # b's voices 50%; the class mean of submitted work (100, 50, 17) is 56%.
    assert '50% <span class="cell-note">(56%)</span>' in html


def test_student_progress_of_someone_outside_the_class_is_404(teacher_client, tiny, make_user):
    classroom, _, _ = tiny
    outsider = make_user("outsider")
    assert (
        teacher_client.get(reverse("student_progress", args=[classroom.pk, outsider.pk])).status_code == 404
    )


# Queries do not grow with the class ------------------------------------------------------


def _class_with_work(teacher, size):
    lesson = make_tiny_lesson(f"tiny-{size}")
    classroom, assignment, students = make_class(teacher, lesson, students=size)
    for index, student in enumerate(students):
        if index % 5 == 4:
            continue  # some never start
        marks = [("loaded", *BETA_GAMMA), ("fear", 56, 61)] if index % 2 else [("labels", *EPSILON)]
        give_work(
            assignment, student, voices={0: "partial", 2: "direct"}, marks=marks, submitted=index % 3 > 0
        )
    return classroom, assignment, students


def _queries(client, url):
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(context.captured_queries)


@pytest.mark.parametrize(
    "url_for",
    [
        lambda c, a, s: reverse("assignment_results", args=[a.pk]) + "?sort=-named_f1&status=submitted",
        lambda c, a, s: reverse("assignment_results_csv", args=[a.pk]) + "?name=pupil&min_score=10",
        lambda c, a, s: reverse("assignment_analysis", args=[a.pk]),
        lambda c, a, s: reverse("attempt_review", args=[a.pk, s[1].pk]),
        lambda c, a, s: reverse("classroom_overview", args=[c.pk]),
        lambda c, a, s: reverse("student_progress", args=[c.pk, s[1].pk]),
    ],
    ids=["results", "csv", "analysis", "review", "overview", "progress"],
)
def test_queries_are_the_same_for_5_and_200_students(teacher_client, teacher, url_for):
    small = _class_with_work(teacher, 5)
    large = _class_with_work(teacher, 200)
    for world in (small, large):  # warm up: the lesson is read once per process, not per page
        teacher_client.get(url_for(*world))
    # The results pages keep scores between views: count a first view and a repeated one.
    cache.clear()
    first = [_queries(teacher_client, url_for(*small)), _queries(teacher_client, url_for(*large))]
    again = [_queries(teacher_client, url_for(*small)), _queries(teacher_client, url_for(*large))]
    assert first[0] == first[1], first
    assert again[0] == again[1], again
    assert again[0] <= first[0] <= 14, (first, again)
