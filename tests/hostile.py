"""
A world where every text a user can set is an XSS payload, and the pages that show those texts.

Shared by the fast escaping test (tests/test_xss.py) and the browser test
(tests/test_e2e_xss.py). Built with the ORM (and the authoring module's own
draft function), so it costs milliseconds.
"""

import datetime
import re
import uuid
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from teaching.models import (
    Article,
    Assignment,
    Attempt,
    Classroom,
    DraftSuggestion,
    Enrollment,
    Invitation,
    KeyDevice,
    Lesson,
    Mark,
    Segment,
    Technique,
    User,
    VoiceAnswer,
)

PASSWORD = "correct-horse-battery"
# Each sets window.__xss if it ever runs: as markup, as an attribute break-out, as a link.
SCRIPT = "<script>window.__xss=1</script>"
ATTRIBUTE = '"><img src=x onerror="window.__xss=1">'
URL = "javascript:window.__xss=1"
PAYLOADS = (SCRIPT, ATTRIBUTE, URL)
ALL = " ".join(PAYLOADS)  # 97 characters: fits every name field of 100 and more.

# The article: each payload in a sentence of its own, then all three as a heading.
SENTENCES = [  # (text, kind, voice)
    (f"{SCRIPT} opened the meeting. ", "sentence", "narration"),
    (f'The mayor called it "{ATTRIBUTE}" twice. ', "sentence", "partial"),
    (f"Read {URL} later.\n\n", "sentence", "paraphrase"),
    (f"{ALL}\n\n", "heading", "narration"),
    ("A plain last sentence.", "sentence", "narration"),
]
BODY = "".join(text for text, _, _ in SENTENCES)


def span(text):
    start = BODY.index(text)
    return start, start + len(text)


@dataclass
class HostileWorld:
    technique: Technique
    lesson: Lesson
    draft: Lesson
    teacher: User
    admin: User
    student: User  # Has submitted work on ``done`` and work in progress on ``open``.
    classmates: list
    classroom: Classroom
    done: Assignment
    open: Assignment
    invitation: Invitation


def _lesson(technique):
    lesson = Lesson.objects.create(slug="hostile-lesson", title=ALL, summary=ALL)
    Article.objects.create(
        lesson=lesson, title=ALL, outlet=ALL, published=datetime.date(2025, 11, 13), body=BODY
    )
    start = 0
    for position, (text, kind, voice) in enumerate(SENTENCES):
        Segment.objects.create(
            lesson=lesson,
            position=position,
            start=start,
            end=start + len(text),
            kind=kind,
            voice=voice,
            speaker=ALL,
            quote_source="speaker" if voice == "partial" else "",
            neutral=position == 4,
            explanation=ALL,
        )
        start += len(text)
    for position, text in enumerate((SCRIPT, URL)):
        KeyDevice.objects.create(
            lesson=lesson, position=position, technique=technique, text=text, explanation=ALL, **_span(text)
        )
    return lesson


def _span(text):
    start, end = span(text)
    return {"start": start, "end": end}


def _draft(teacher, technique):
    """Return a draft made the way the lesson editor makes one, with a suggestion and a key item."""
    from teaching.authoring import create_draft_lesson

    draft = create_draft_lesson(
        author=teacher, title=ALL, outlet=ALL, published="2025-11-13", language="en", body=BODY
    )
    DraftSuggestion.objects.create(
        lesson=draft, technique=technique, reason=ALL, confidence=0.5, **_span(ATTRIBUTE)
    )
    KeyDevice.objects.create(
        lesson=draft, position=0, technique=technique, text=SCRIPT, explanation=ALL, **_span(SCRIPT)
    )
    return draft


def _work(assignment, student, technique, *, submitted):
    attempt = Attempt.objects.create(assignment=assignment, student=student, seconds_spent=300)
    segments = list(assignment.lesson.segments.order_by("position"))
    for segment, voice in zip(segments, ["narration", "direct", "paraphrase"], strict=False):
        VoiceAnswer.objects.create(attempt=attempt, segment=segment, voice=voice, quote_source="")
    for text in (ATTRIBUTE, "opened the meeting"):
        Mark.objects.create(attempt=attempt, technique=technique, client_id=uuid.uuid4(), **_span(text))
    if submitted:
        Attempt.objects.filter(pk=attempt.pk).update(submitted_at=timezone.now())
    return attempt


def build_hostile_world():
    """Create the world: a class, a lesson, a draft, people and work, every text in them a payload."""
    technique = Technique.objects.create(
        slug="hostile",
        name=ATTRIBUTE,
        family=Technique.Family.WORDING,
        definition=ALL,
        example=ALL,
        colour="#ffcc00",
        code="HX",
        shortcut="x",
    )
    lesson = _lesson(technique)

    def user(username, display_name, **extra):
        return User.objects.create_user(username, password=PASSWORD, display_name=display_name, **extra)

    teacher = user("hostile-teacher", SCRIPT, role=User.Role.TEACHER)
    admin = user("hostile-admin", URL, role=User.Role.TEACHER, is_staff=True, is_superuser=True)
    student = user("hostile-a", ATTRIBUTE)
    classmates = [user("hostile-b", SCRIPT), user("hostile-c", URL)]
    classroom = Classroom.objects.create(teacher=teacher, name=ALL)
    for pupil in (student, *classmates):
        Enrollment.objects.create(classroom=classroom, student=pupil)
    now = timezone.now()
    dates = {"opens_at": now - datetime.timedelta(days=1), "due_at": now + datetime.timedelta(days=6)}
    done = Assignment.objects.create(classroom=classroom, lesson=lesson, **dates)
    open_ = Assignment.objects.create(classroom=classroom, lesson=lesson, **dates)
    _work(done, student, technique, submitted=True)
    _work(open_, student, technique, submitted=False)
    for pupil in classmates:
        _work(done, pupil, technique, submitted=True)
    invitation = Invitation.objects.create(
        created_by=admin, note=ALL, expires_at=now + datetime.timedelta(days=7)
    )
    return HostileWorld(
        technique=technique,
        lesson=lesson,
        draft=_draft(teacher, technique),
        teacher=teacher,
        admin=admin,
        student=student,
        classmates=classmates,
        classroom=classroom,
        done=done,
        open=open_,
        invitation=invitation,
    )


# The pages ------------------------------------------------------------------------------

TEACHER, STUDENT, ADMIN, ANONYMOUS = "teacher", "student", "admin", "anonymous"
# Reflected into forms, links and filters: the query strings a crafted link could carry.
HOSTILE_QUERY = {"name": ATTRIBUTE, "sort": ATTRIBUTE, "edit": ATTRIBUTE, "sentence": ATTRIBUTE}


@dataclass(frozen=True)
class Page:
    name: str
    viewer: str
    kwargs: object  # A function of the world, returning the URL's kwargs.
    query: dict | None = None

    def url(self, world) -> str:
        url = reverse(self.name, kwargs=self.kwargs(world))
        if self.query:
            from urllib.parse import urlencode

            url += "?" + urlencode(self.query)
        return url

    @property
    def id(self) -> str:
        return f"{self.name}{'+query' if self.query else ''}"


def _none(world):
    return {}


PAGES = [
    # Teachers: classes, the join sheet, assigning, privacy, results
    Page("classroom_list", TEACHER, _none),
    Page("classroom_create", TEACHER, _none),
    Page("classroom_detail", TEACHER, lambda w: {"pk": w.classroom.pk}),
    Page("classroom_rename", TEACHER, lambda w: {"pk": w.classroom.pk}),
    Page("classroom_join_sheet", TEACHER, lambda w: {"pk": w.classroom.pk}),
    Page("assignment_create", TEACHER, lambda w: {"pk": w.classroom.pk}),
    Page("classroom_delete", TEACHER, lambda w: {"pk": w.classroom.pk}),
    Page("classroom_student_delete", TEACHER, lambda w: {"pk": w.classroom.pk, "student_pk": w.student.pk}),
    Page("assignment_results", TEACHER, lambda w: {"pk": w.done.pk}),
    Page("assignment_results", TEACHER, lambda w: {"pk": w.done.pk}, HOSTILE_QUERY),
    Page("assignment_analysis", TEACHER, lambda w: {"pk": w.done.pk}),
    Page("assignment_analysis", TEACHER, lambda w: {"pk": w.done.pk}, HOSTILE_QUERY),
    Page("attempt_review", TEACHER, lambda w: {"pk": w.done.pk, "student_pk": w.student.pk}),
    Page("classroom_overview", TEACHER, lambda w: {"pk": w.classroom.pk}),
    Page("student_progress", TEACHER, lambda w: {"pk": w.classroom.pk, "student_pk": w.student.pk}),
    # Teachers: the lesson library and the lesson editor
    Page("lesson_list", TEACHER, _none),
    Page("lesson_detail", TEACHER, lambda w: {"slug": w.lesson.slug}),
    Page("lesson_new", TEACHER, _none),
    Page("lesson_edit", TEACHER, lambda w: {"slug": w.draft.slug}),
    Page("lesson_edit", TEACHER, lambda w: {"slug": w.draft.slug}, HOSTILE_QUERY),
    Page("password_change", TEACHER, _none),
    Page("password_change_done", TEACHER, _none),
    # Students
    Page("student_home", STUDENT, _none),
    Page("student_welcome", STUDENT, _none),
    Page("assignment_overview", STUDENT, lambda w: {"assignment_pk": w.open.pk}),
    Page("attempt_submit", STUDENT, lambda w: {"assignment_pk": w.open.pk}),
    Page("voices", STUDENT, lambda w: {"assignment_pk": w.open.pk}),
    Page("voices", STUDENT, lambda w: {"assignment_pk": w.done.pk}),
    Page("voices_feedback", STUDENT, lambda w: {"assignment_pk": w.done.pk}),
    Page("voices_feedback", STUDENT, lambda w: {"assignment_pk": w.open.pk}),
    Page("devices", STUDENT, lambda w: {"assignment_pk": w.open.pk}),
    Page("devices", STUDENT, lambda w: {"assignment_pk": w.open.pk}, {"sentence": "1"}),
    Page("devices", STUDENT, lambda w: {"assignment_pk": w.open.pk}, HOSTILE_QUERY),
    Page("devices", STUDENT, lambda w: {"assignment_pk": w.done.pk}),
    Page("devices_feedback", STUDENT, lambda w: {"assignment_pk": w.done.pk}),
    Page("devices_feedback", STUDENT, lambda w: {"assignment_pk": w.open.pk}),
    Page("student_join", STUDENT, _none, {"code": ATTRIBUTE}),
    # Anyone
    Page("login", ANONYMOUS, _none, {"next": URL}),
    Page("login", ANONYMOUS, _none, {"next": ATTRIBUTE}),
    Page("student_join", ANONYMOUS, _none, {"code": ATTRIBUTE}),
    Page("teacher_signup", ANONYMOUS, lambda w: {"token": w.invitation.token}),
    # The admin, where techniques and lessons are edited
    Page("admin:teaching_technique_changelist", ADMIN, _none),
    Page("admin:teaching_technique_change", ADMIN, lambda w: {"object_id": w.technique.pk}),
    Page("admin:teaching_lesson_changelist", ADMIN, _none),
    Page("admin:teaching_lesson_change", ADMIN, lambda w: {"object_id": w.lesson.pk}),
    Page("admin:teaching_user_changelist", ADMIN, _none),
    Page("admin:teaching_classroom_change", ADMIN, lambda w: {"object_id": w.classroom.pk}),
    Page("admin:teaching_invitation_changelist", ADMIN, _none),
    Page("admin:teaching_invitation_change", ADMIN, lambda w: {"object_id": w.invitation.pk}),
]

# URL names that answer with something other than an HTML page to a GET.
NOT_HTML = {
    "home": "a redirect to the viewer's start page",
    "logout": "POST only",
    "lesson_export": "JSON",
    "classroom_export_json": "JSON",
    "classroom_export_csv": "CSV",
    "assignment_results_csv": "CSV",
    "technique_css": "CSS (its own test: only safe slugs and colours reach it)",
}
# The rest are POST only; the test of what each POST answers covers those that show user text.


def product_url_names():
    """Return every named URL of the product (the admin is Django's own)."""
    names = set()
    for pattern in get_resolver().url_patterns:
        if isinstance(pattern, URLPattern) and pattern.name:
            names.add(pattern.name)
        elif isinstance(pattern, URLResolver) and str(pattern.pattern) != "admin/":
            names.update(p.name for p in pattern.url_patterns if getattr(p, "name", None))
    return names


# What a payload must never look like in HTML: live markup, or a link that runs script.
LIVE_MARKUP = ("<script>window.__xss", "<img src=x", 'onerror="window.__xss')
SCRIPT_LINK = re.compile(r"""(?:href|src|action|formaction|hx-get|hx-post)\s*=\s*["']?\s*javascript:""", re.I)
ESCAPED = ("&lt;script&gt;window.__xss=1&lt;/script&gt;", "&lt;img src=x onerror=")


def payload_problems(html: str) -> list[str]:
    """Return what in ``html`` shows a payload live rather than as text."""
    problems = [f"live markup {needle!r}" for needle in LIVE_MARKUP if needle in html]
    problems += [f"script link {match.group(0)!r}" for match in SCRIPT_LINK.finditer(html)]
    return problems
