"""
Who may open what: every URL in the URLconf, GET as six kinds of visitor, against a table of expectations.

The URL list is read from the URLconf, so a new view is tested the day it is added:
a URL name missing from EXPECTATIONS fails, asking for its row. Each GET must
also change nothing in the database, carry the security headers, and never
answer 403 (someone else's object is a 404: its existence is not revealed).
Every URL is also POSTed without a CSRF token, and with a token from a foreign
origin: both must be refused with 403 and change nothing.
"""

import re
from dataclasses import dataclass

import pytest
from django.apps import apps
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.headers import assert_security_headers

pytestmark = pytest.mark.usefixtures("fast_password_hashing")

ROLES = (
    "anonymous",
    "student_of_class",
    "student_of_other_class",
    "owning_teacher",
    "other_teacher",
    "admin",
)
LOGIN = "login"  # A redirect to the login page.
REDIRECT = "redirect"  # A redirect anywhere else.


def expect(anonymous, student_of_class, student_of_other_class, owning_teacher, other_teacher, admin):
    """Return the expected outcome for each role, in the order of ROLES."""
    return dict(
        zip(
            ROLES,
            (anonymous, student_of_class, student_of_other_class, owning_teacher, other_teacher, admin),
            strict=True,
        )
    )


# The usual shapes. "Own" means the URL names an object of class A: its teacher and its
# student may see it; the same kind of person from class B gets a 404.
TEACHER_PAGE = expect(LOGIN, 404, 404, 200, 200, 200)
OWN_CLASS_PAGE = expect(LOGIN, 404, 404, 200, 404, 404)
STUDENT_PAGE = expect(LOGIN, 200, 200, 404, 404, 404)
OWN_STUDENT_PAGE = expect(LOGIN, 200, 404, 404, 404, 404)
OWN_DRAFT_PAGE = expect(LOGIN, 404, 404, 200, 404, 200)  # Staff may edit every draft.
POST_ONLY = expect(405, 405, 405, 405, 405, 405)

EXPECTATIONS = {
    # Start, logging in and out
    "home": expect(LOGIN, REDIRECT, REDIRECT, REDIRECT, REDIRECT, REDIRECT),
    "login": expect(200, REDIRECT, REDIRECT, REDIRECT, REDIRECT, REDIRECT),
    "logout": POST_ONLY,
    # Lesson library
    "lesson_list": TEACHER_PAGE,
    "lesson_detail": TEACHER_PAGE,
    # Writing lessons: a draft is its author's (and staff's) alone until published
    "lesson_new": TEACHER_PAGE,
    "lesson_edit": OWN_DRAFT_PAGE,
    "lesson_export": OWN_DRAFT_PAGE,
    "lesson_details": POST_ONLY,
    "segment_save": POST_ONLY,
    "device_add": POST_ONLY,
    "device_update": POST_ONLY,
    "device_delete": POST_ONLY,
    "suggestion_accept": POST_ONLY,
    "suggestion_reject": POST_ONLY,
    "lesson_publish": POST_ONLY,
    "lesson_delete": POST_ONLY,
    # Classes
    "classroom_list": TEACHER_PAGE,
    "classroom_create": TEACHER_PAGE,
    "classroom_detail": OWN_CLASS_PAGE,
    "classroom_rename": OWN_CLASS_PAGE,
    "classroom_archive": POST_ONLY,
    "classroom_rotate_code": POST_ONLY,
    "classroom_join_sheet": OWN_CLASS_PAGE,
    "students_add": POST_ONLY,
    "student_reset_password": POST_ONLY,
    "student_remove": POST_ONLY,
    "assignment_create": OWN_CLASS_PAGE,
    # Privacy
    "classroom_export_json": OWN_CLASS_PAGE,
    "classroom_export_csv": OWN_CLASS_PAGE,
    "classroom_delete": OWN_CLASS_PAGE,
    "classroom_student_delete": OWN_CLASS_PAGE,
    # Accounts
    "student_join": expect(200, 200, 200, 200, 200, 200),
    "student_welcome": STUDENT_PAGE,
    "teacher_signup": expect(200, 200, 200, 200, 200, 200),
    "password_change": expect(LOGIN, 200, 200, 200, 200, 200),
    "password_change_done": expect(LOGIN, 200, 200, 200, 200, 200),
    # Results
    "assignment_results": OWN_CLASS_PAGE,
    "assignment_results_csv": OWN_CLASS_PAGE,
    "assignment_analysis": OWN_CLASS_PAGE,
    "attempt_review": OWN_CLASS_PAGE,
    "classroom_overview": OWN_CLASS_PAGE,
    "student_progress": OWN_CLASS_PAGE,
    # Student work
    "student_home": STUDENT_PAGE,
    "assignment_overview": OWN_STUDENT_PAGE,
    "attempt_submit": OWN_STUDENT_PAGE,
    "voices": OWN_STUDENT_PAGE,
    "voice_save": POST_ONLY,
    "voices_feedback": OWN_STUDENT_PAGE,
    "devices": OWN_STUDENT_PAGE,
    "mark_add": POST_ONLY,
    "mark_change": POST_ONLY,
    "devices_feedback": OWN_STUDENT_PAGE,
    "technique_css": expect(200, 200, 200, 200, 200, 200),
}


# Building each URL from the world's objects -----------------------------------

# A bare <pk> means the object named by the path segment before it.
PK_BY_SEGMENT = {
    "classes": lambda w: w.classroom.pk,
    "assignments": lambda w: w.assignment.pk,
    "lessons": lambda w: w.lesson.pk,
    "students": lambda w: w.student.pk,
    "attempts": lambda w: w.attempt.pk,
}
KWARGS = {
    "assignment_pk": lambda w: w.assignment.pk,
    "device_pk": lambda w: w.draft.key_devices.get().pk,
    "position": lambda w: 0,
    "suggestion_pk": lambda w: w.suggestion.pk,
    "classroom_pk": lambda w: w.classroom.pk,
    "student_pk": lambda w: w.student.pk,
    "attempt_pk": lambda w: w.attempt.pk,
    "segment_pk": lambda w: w.segments[0].pk,
    "client_id": lambda w: w.mark.client_id,
    "slug": lambda w: w.lesson.slug,
    "token": lambda w: w.invitation.token,
}


# The lesson editor's URLs name the owning teacher's draft; the library's, a published lesson.
DRAFT_ROUTES = {
    "lesson_edit",
    "lesson_export",
    "lesson_details",
    "segment_save",
    "device_add",
    "device_update",
    "device_delete",
    "suggestion_accept",
    "suggestion_reject",
    "lesson_publish",
    "lesson_delete",
}


@dataclass(frozen=True)
class Route:
    name: str
    route: str
    kwargs: tuple[str, ...]

    def url(self, world) -> str:
        """Return this route's URL, naming the objects of class A in ``world``."""
        values = {}
        for kwarg in self.kwargs:
            if kwarg == "pk":
                segment = re.search(r"([^/<>]+)/<[^>]*:?pk>", self.route)
                maker = PK_BY_SEGMENT.get(segment.group(1) if segment else "")
            else:
                maker = KWARGS.get(kwarg)
            if maker is None:
                pytest.fail(
                    f"URL {self.name!r} ({self.route}): which object does <{kwarg}> name? "
                    "Add it to KWARGS or PK_BY_SEGMENT in tests/test_access_matrix.py."
                )
            values[kwarg] = maker(world)
        if "slug" in values and self.name in DRAFT_ROUTES:
            values["slug"] = world.draft.slug
        return reverse(self.name, kwargs=values)


def _converters(pattern):
    return tuple(getattr(pattern.pattern, "converters", {})) or tuple(pattern.pattern.regex.groupindex)


def _routes(patterns, prefix="", namespace="", outer=()):
    # ``outer``: the URL arguments of the groups a pattern is in ("work/<int:assignment_pk>/").
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if str(pattern.pattern) == "admin/":
                continue  # The admin has its own test below: staff only.
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _routes(
                pattern.url_patterns, prefix + str(pattern.pattern), inner, outer + _converters(pattern)
            )
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}{pattern.name}" if pattern.name else f"<unnamed: {prefix}{pattern.pattern}>"
            yield Route(name, prefix + str(pattern.pattern), outer + _converters(pattern))


ROUTES = list(_routes(get_resolver().url_patterns))


# Helpers ---------------------------------------------------------------------------


def client_for(user, **options):
    client = Client(**options)
    if user is not None:
        client.force_login(user)
    return client


def snapshot():
    """Return every row of Lens's tables and the auth tables, to compare before and after a request."""
    models = [*apps.get_app_config("teaching").get_models(), *apps.get_app_config("auth").get_models()]
    return {model._meta.label: list(model.objects.order_by("pk").values_list()) for model in models}


def changed_tables(before, after):
    return sorted(label for label in before if before[label] != after[label])


def outcome(response):
    """Return what a GET came to: a status code, or LOGIN / REDIRECT for a redirect."""
    if response.status_code in (301, 302, 303, 307, 308):
        return LOGIN if response.url.split("?")[0] == reverse("login") else REDIRECT
    return response.status_code


def route_id(route):
    return route.name


# The matrix ------------------------------------------------------------------------


def test_every_url_is_named_and_the_matrix_has_no_stale_rows():
    names = {route.name for route in ROUTES}
    unnamed = sorted(name for name in names if name.startswith("<unnamed"))
    assert not unnamed, f"Give these URL patterns a name: {unnamed}"
    stale = sorted(set(EXPECTATIONS) - names)
    assert not stale, f"EXPECTATIONS has rows for URLs that no longer exist: {stale}"


@pytest.mark.parametrize("route", ROUTES, ids=route_id)
def test_get_as_each_role_answers_as_expected_changes_nothing_and_is_well_guarded(route, world):
    if route.name not in EXPECTATIONS:
        pytest.fail(
            f"URL {route.name!r} ({route.route}) has no row in EXPECTATIONS in tests/test_access_matrix.py. "
            f"Add one saying what each of {', '.join(ROLES)} should get (200, 404, 405, LOGIN, REDIRECT)."
        )
    url = route.url(world)
    problems = []
    for role in ROLES:
        client = client_for(world.user(role))
        before = snapshot()
        response = client.get(url)
        changed = changed_tables(before, snapshot())
        if changed:
            problems.append(f"GET {url} as {role} changed {changed}: a GET must change nothing")
        if response.status_code == 403:
            problems.append(f"GET {url} as {role} gave 403: someone else's object is a 404")
        if outcome(response) != EXPECTATIONS[route.name][role]:
            problems.append(
                f"GET {url} as {role}: got {outcome(response)}, expected {EXPECTATIONS[route.name][role]}"
            )
        if response.status_code == 200:
            try:
                assert_security_headers(response, authenticated=role != "anonymous", where=f"{url} as {role}")
            except AssertionError as error:
                problems.append(str(error))
    assert not problems, "\n".join(problems)


def test_a_student_who_has_not_started_changes_nothing_by_looking(world):
    from teaching.models import Enrollment, User

    newcomer = User.objects.create_user("newcomer", role=User.Role.STUDENT)
    Enrollment.objects.create(classroom=world.classroom, student=newcomer)
    client = client_for(newcomer)
    problems = []
    for route in ROUTES:
        if EXPECTATIONS.get(route.name) in (STUDENT_PAGE, OWN_STUDENT_PAGE):
            before = snapshot()
            response = client.get(route.url(world))
            if response.status_code not in (200, 302):
                problems.append(f"GET {route.name}: {response.status_code}")
            if changed := changed_tables(before, snapshot()):
                problems.append(f"GET {route.name} by a student who has not started changed {changed}")
    assert not problems, "\n".join(problems)


# CSRF ----------------------------------------------------------------------------------

FOREIGN_ORIGIN = "https://evil.example"
CSRF_TOKEN = "a" * 32  # A well-formed token, as a forger could set in a cookie of their own.
# Plausible form data, so that a view reached without the CSRF check would have something to save.
PAYLOAD = {
    "name": "Renamed",
    "names": "Amber Fox\nBlue Heron",
    "display_name": "Amber Fox",
    "code": "0000000000",
    "username": "owner",
    "password": "correct-horse-battery",
    "password1": "a-New-passw0rd!",
    "password2": "a-New-passw0rd!",
    "old_password": "correct-horse-battery",
    "new_password1": "a-New-passw0rd!",
    "new_password2": "a-New-passw0rd!",
    "voice": "direct",
    "technique": "loaded-language",
    "start": "0",
    "end": "9",
    "action": "restore",
}


@pytest.mark.parametrize("route", ROUTES, ids=route_id)
def test_posts_without_a_csrf_token_or_from_a_foreign_origin_are_refused_and_change_nothing(route, world):
    url = route.url(world)
    problems = []
    for role in ROLES:
        attempts = {
            "no token, foreign Origin": {"HTTP_ORIGIN": FOREIGN_ORIGIN},
            "no token (htmx)": {"HTTP_HX_REQUEST": "true"},
            "token, foreign Origin": {"HTTP_ORIGIN": FOREIGN_ORIGIN, "HTTP_X_CSRFTOKEN": CSRF_TOKEN},
        }
        for how, headers in attempts.items():
            client = client_for(world.user(role), enforce_csrf_checks=True)
            client.cookies["csrftoken"] = CSRF_TOKEN
            before = snapshot()
            response = client.post(url, PAYLOAD, **headers)
            if response.status_code != 403:
                problems.append(f"POST {url} as {role}, {how}: {response.status_code}, expected 403")
            if changed := changed_tables(before, snapshot()):
                problems.append(f"POST {url} as {role}, {how}: changed {changed}")
    assert not problems, "\n".join(problems)


def test_the_same_post_with_the_token_from_this_site_goes_through(world):
    # The control for the test above: its 403s come from the missing token or the foreign origin.
    client = client_for(world.owner, enforce_csrf_checks=True)
    client.cookies["csrftoken"] = CSRF_TOKEN
    url = reverse("classroom_rename", args=[world.classroom.pk])
    response = client.post(url, {"name": "Renamed"}, HTTP_X_CSRFTOKEN=CSRF_TOKEN, HTTP_HX_REQUEST="true")
    assert response.status_code in (200, 302)
    world.classroom.refresh_from_db()
    assert world.classroom.name == "Renamed"


# The admin ----------------------------------------------------------------------------


def _admin_routes():
    admin_resolver = next(
        p for p in get_resolver().url_patterns if isinstance(p, URLResolver) and str(p.pattern) == "admin/"
    )
    for route in _routes(admin_resolver.url_patterns, "admin/", "admin:"):
        # The pages without arguments: the index, and every model's list and add form.
        if route.name == "admin:index" or re.fullmatch(r"admin:\w+_(changelist|add)", route.name):
            yield route


ADMIN_ROUTES = list(_admin_routes())


def test_the_admin_is_for_staff_only(world):
    problems = []
    assert ADMIN_ROUTES, "no admin pages found"
    for route in ADMIN_ROUTES:
        url = reverse(route.name)
        for role in ROLES:
            client = client_for(world.user(role))
            before = snapshot()
            response = client.get(url)
            if changed := changed_tables(before, snapshot()):
                problems.append(f"GET {url} as {role} changed {changed}")
            if role == "admin":
                if response.status_code != 200:
                    problems.append(f"GET {url} as admin: {response.status_code}")
                else:
                    assert_security_headers(response, authenticated=True, where=url)
            elif response.status_code != 302 or not response.url.startswith(reverse("admin:login")):
                problems.append(f"GET {url} as {role}: {response.status_code}, expected the admin login")
    assert not problems, "\n".join(problems)
