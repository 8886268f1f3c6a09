"""
The results page's parts kept from one view to the next show what is true at each view.

Each test views the page (so its header, filter form, overview and table are kept), changes
what one of them shows, and checks that the next view shows the change.
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from teaching.models import Assignment, Attempt, Classroom
from tests.factories import make_tiny_class
from tests.test_views_results import HTMX, table_rows

pytestmark = pytest.mark.django_db


@pytest.fixture
def teacher_client(client, teacher):
    client.force_login(teacher)
    return client


@pytest.fixture
def tiny(teacher):
    return make_tiny_class(teacher)


def page(client, assignment, query="", **headers):
    url = reverse("assignment_results", args=[assignment.pk]) + query
    return client.get(url, **headers).content.decode()


def test_the_header_shows_the_class_as_it_is_named_now(teacher_client, tiny):
    classroom, assignment, _ = tiny
    assert classroom.name in page(teacher_client, assignment)

    Classroom.objects.filter(pk=classroom.pk).update(name="Year 9 (renamed)")

    assert "Year 9 (renamed)" in page(teacher_client, assignment)


def test_the_header_and_polling_follow_the_assignment_from_open_to_closed(teacher_client, tiny):
    _, assignment, _ = tiny
    html = page(teacher_client, assignment)
    assert "status-open" in html and 'hx-trigger="every 5s"' in html

    Assignment.objects.filter(pk=assignment.pk).update(
        opens_at=timezone.now() - datetime.timedelta(days=5),
        due_at=timezone.now() - datetime.timedelta(hours=1),
    )

    html = page(teacher_client, assignment)
    assert "status-closed" in html and "Was due" in html
    assert 'hx-trigger="every' not in html


def test_the_filter_form_is_filled_in_from_each_request(teacher_client, tiny):
    _, assignment, _ = tiny
    submitted = '<input type="checkbox" name="status" value="submitted" id="id_status_2"'

    assert f"{submitted} checked>" in page(teacher_client, assignment, "?status=submitted")
    assert f"{submitted}>" in page(teacher_client, assignment, "?status=in_progress")
    assert '<input type="search" name="name" value="Pupil"' in page(teacher_client, assignment, "?name=Pupil")


def test_the_overview_counts_a_submission_made_between_two_refreshes(teacher_client, tiny):
    _, assignment, students = tiny
    html = page(teacher_client, assignment, **HTMX)
    assert '<a class="stat-value" href="?status=submitted">3</a>' in html
    assert '<a class="stat-value" href="?status=in_progress">1</a>' in html

    Attempt.objects.filter(assignment=assignment, student=students[3]).update(submitted_at=timezone.now())

    html = page(teacher_client, assignment, **HTMX)
    assert '<a class="stat-value" href="?status=submitted">4</a>' in html
    assert '<a class="stat-value" href="?status=in_progress">0</a>' in html


def test_the_heading_and_csv_link_follow_the_filter_but_not_the_page(teacher_client, tiny):
    _, assignment, _ = tiny
    csv = reverse("assignment_results_csv", args=[assignment.pk])

    html = page(teacher_client, assignment, "?status=submitted&page=1")
    assert "3 shown" in html
    assert f'href="{csv}?status=submitted"' in html

    html = page(teacher_client, assignment, "?status=not_started&page=1")
    assert "1 shown" in html
    assert f'href="{csv}?status=not_started"' in html


def test_each_sort_gets_its_own_header_and_rows(teacher_client, tiny):
    _, assignment, students = tiny
    url = reverse("assignment_results", args=[assignment.pk])
    names = [student.display_name for student in students]

    for query, order, state in (("", names, "ascending"), ("?sort=-name", names[::-1], "descending")):
        response = teacher_client.get(url + query)
        assert [row[0] for row in table_rows(response)] == order
        assert f'aria-sort="{state}"' in response.content.decode()
