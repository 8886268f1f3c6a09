"""
Classes and the accounts in them: what teachers and students do to classes, rosters and assignments.

Views call these verb-named functions; each one is a complete change, so a view
cannot leave a class half-made or a student half-joined.
"""

import copy
import datetime
import re
import secrets
import unicodedata
from dataclasses import dataclass

from django.contrib.auth.hashers import PBKDF2PasswordHasher, get_hasher, make_password
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from teaching.models import Assignment, Classroom, Enrollment, Invitation, Lesson, User
from teaching.models.classes import JOIN_CODE_ALPHABET, new_join_code

# Short, friendly words for one-time passwords a teacher reads out or prints:
# two of them and four digits give about 28 bits, plenty behind a login throttle,
# and a 13-year-old can type "otter-maple-4821" without a typo.
PASSWORD_WORDS = (
    "acorn amber anchor apple arrow aspen badge bagel basil beach beacon berry birch bison "
    "blaze bloom bread brick brook cabin cactus camel candle canoe canyon carrot castle cedar "
    "cherry cider cliff cloud clover cobalt comet coral cotton crane crater crystal daisy delta "
    "desert dolphin dragon dune eagle ember falcon fern field flint forest fossil fox galaxy "
    "garden geyser ginger glacier globe grape harbor hazel heron honey island ivory jasper "
    "jungle kayak kettle kiwi lagoon lantern lemon lilac lizard llama lotus magnet mango maple "
    "marble meadow melon meteor mint moose mosaic nectar nova oasis ocean olive orbit orchid "
    "otter owl panda papaya parrot pebble pepper piano pillow pine planet plum pony prism "
    "puffin quartz quill rabbit radar raven reef river robin rocket saddle salmon sapphire "
    "shell sierra silver sparrow spruce squid star summit sunset swan thistle thunder tiger "
    "timber topaz tulip tundra turtle valley velvet violet walnut willow wombat yarrow zebra"
).split()

MAX_BULK_STUDENTS = 60
# A one-time password is hashed with fewer PBKDF2 rounds than Django's default
# (about a second each on a school server): thirty of them at once would keep a
# teacher waiting half a minute. Django re-hashes it at full strength the first
# time the student logs in, and it is random, not a password a person reuses.
ONE_TIME_PASSWORD_ITERATIONS = 150_000


class JoinError(Exception):
    """A student could not join a class; the message says why and what to do."""

    field = "code"


class UnknownJoinCode(JoinError):
    def __init__(self):
        super().__init__(_("No class has that code. Check it with your teacher and type it again."))


class ClassArchived(JoinError):
    def __init__(self):
        super().__init__(
            _("That class has been archived. Ask your teacher for the code of your current class.")
        )


class DisplayNameTaken(JoinError):
    field = "display_name"

    def __init__(self, name):
        super().__init__(
            _("Someone in this class already uses the name “%(name)s”. Add a letter or choose another.")
            % {"name": name}
        )


class InvitationUsed(Exception):
    """The invitation was used or expired between showing the form and submitting it."""


@dataclass(frozen=True)
class Credentials:
    """A student's login, shown once to the teacher who made it."""

    student_pk: int
    display_name: str
    username: str
    password: str


def normalise_join_code(code: str) -> str:
    """Return ``code`` as stored: capitals, no spaces or dashes, look-alike letters read as digits."""
    code = re.sub(r"[\s\-]", "", code).upper()
    # Crockford's base 32 reads O as zero and I or L as one: a code copied from the
    # board by hand still works.
    return code.translate(str.maketrans("OIL", "011"))


def normalise_display_name(name: str) -> str:
    """Return ``name`` with surrounding and repeated whitespace removed."""
    return " ".join(unicodedata.normalize("NFC", name).split())


def generate_password() -> str:
    """Return a fresh one-time password that is easy to read out and type."""
    words = [secrets.choice(PASSWORD_WORDS) for _ in range(2)]
    return f"{words[0]}-{words[1]}-{secrets.randbelow(9000) + 1000}"


def _username_stem(display_name: str) -> str:
    stem = slugify(display_name).replace("-", "")[:12]
    # A name in another script slugifies to nothing; the digits keep it unique.
    return stem or "student"


def _set_one_time_password(user: User, password: str) -> None:
    """Set a generated password on ``user`` (not saved), hashed quickly if the hasher allows it."""
    hasher = get_hasher("default")
    if isinstance(hasher, PBKDF2PasswordHasher) and hasher.iterations > ONE_TIME_PASSWORD_ITERATIONS:
        quick = copy.copy(hasher)
        quick.iterations = ONE_TIME_PASSWORD_ITERATIONS
        user.password = make_password(password, hasher=quick)
    else:
        user.set_password(password)


def _create_student(*, display_name: str, password: str | None) -> User:
    """Create a student with a username made from ``display_name`` plus digits."""
    stem = _username_stem(display_name)
    for attempt in range(20):
        # Three digits first; more once the short ones are crowded.
        digits = 3 + attempt // 5
        username = f"{stem}{secrets.randbelow(9 * 10 ** (digits - 1)) + 10 ** (digits - 1)}"
        if User.objects.filter(username__iexact=username).exists():
            continue
        try:
            with transaction.atomic():
                return User.objects.create_user(
                    username, password=password, display_name=display_name, role=User.Role.STUDENT
                )
        except IntegrityError:
            continue  # Someone took it between the check and the insert.
    raise RuntimeError(f"could not find a free username for {stem!r}")


def create_classroom(*, teacher: User, name: str) -> Classroom:
    """Create a class taught by ``teacher``, with a fresh join code."""
    return Classroom.objects.create(teacher=teacher, name=name)


def rename_classroom(*, classroom: Classroom, name: str) -> None:
    """Give ``classroom`` a new name."""
    classroom.name = name
    classroom.save(update_fields=["name"])


def archive_classroom(*, classroom: Classroom, now: datetime.datetime | None = None) -> None:
    """Archive ``classroom``: it leaves the lists, its code stops working, its work is kept."""
    classroom.archived_at = now or timezone.now()
    classroom.save(update_fields=["archived_at"])


def restore_classroom(*, classroom: Classroom) -> None:
    """Bring an archived class back into use."""
    classroom.archived_at = None
    classroom.save(update_fields=["archived_at"])


def rotate_join_code(*, classroom: Classroom) -> str:
    """Give ``classroom`` a new join code; the old one stops working at once. Return the new code."""
    for _attempt in range(5):
        code = new_join_code()
        if not Classroom.objects.filter(join_code=code).exists():
            break
    classroom.join_code = code
    classroom.save(update_fields=["join_code"])
    return code


def classroom_for_code(code: str) -> Classroom:
    """Return the active class with join code ``code``, or raise a JoinError saying what is wrong."""
    code = normalise_join_code(code)
    if not code or any(char not in JOIN_CODE_ALPHABET for char in code):
        raise UnknownJoinCode
    classroom = Classroom.objects.filter(join_code=code).first()
    if classroom is None:
        raise UnknownJoinCode
    if classroom.is_archived:
        raise ClassArchived
    return classroom


def join_classroom(*, student: User, code: str) -> tuple[Classroom, bool]:
    """
    Enrol ``student`` in the class whose join code is ``code``.

    Return the class and whether the student newly joined it (False if already in it).
    Raise JoinError for an unknown or archived class. This is the one place a join
    code is checked, so a throttle on guessing wraps this function.
    """
    classroom = classroom_for_code(code)
    _enrollment, created = Enrollment.objects.get_or_create(classroom=classroom, student=student)
    return classroom, created


@transaction.atomic
def sign_up_student(*, display_name: str, password: str, code: str) -> tuple[User, Classroom]:
    """Create a student account and enrol it in the class with ``code``; nothing is kept on error."""
    display_name = normalise_display_name(display_name)
    student = _create_student(display_name=display_name, password=password)
    # The code is checked by join_classroom alone (a throttle wraps it); on any error
    # the transaction takes the new account away again.
    classroom, _joined = join_classroom(student=student, code=code)
    if classroom.students.exclude(pk=student.pk).filter(display_name__iexact=display_name).exists():
        raise DisplayNameTaken(display_name)
    return student, classroom


@transaction.atomic
def add_students_in_bulk(*, classroom: Classroom, display_names: list[str]) -> list[Credentials]:
    """Create a student for each name, enrol them in ``classroom``; return their one-time logins."""
    credentials = []
    for name in display_names:
        password = generate_password()
        student = _create_student(display_name=normalise_display_name(name), password=None)
        _set_one_time_password(student, password)
        student.save(update_fields=["password"])
        Enrollment.objects.create(classroom=classroom, student=student)
        credentials.append(Credentials(student.pk, student.display_name, student.username, password))
    return credentials


def reset_student_password(*, classroom: Classroom, student: User) -> Credentials:
    """Give a student of ``classroom`` a new one-time password; their other sessions end."""
    if not classroom.students.filter(pk=student.pk, role=User.Role.STUDENT).exists():
        raise ValueError("only a student of this class can have their password reset here")
    password = generate_password()
    _set_one_time_password(student, password)
    student.save(update_fields=["password"])
    return Credentials(student.pk, student.display_name, student.username, password)


def remove_student(*, classroom: Classroom, student: User) -> None:
    """Take ``student`` out of ``classroom``; their account and past work are kept."""
    Enrollment.objects.filter(classroom=classroom, student=student).delete()


def create_assignment(
    *,
    classroom: Classroom,
    lesson: Lesson,
    opens_at: datetime.datetime,
    due_at: datetime.datetime,
    feedback: str = Assignment.Feedback.ON_SUBMIT,
) -> Assignment:
    """Assign a published ``lesson`` to ``classroom`` between ``opens_at`` and ``due_at``."""
    if due_at <= opens_at:
        raise ValueError("an assignment must be due after it opens")
    return Assignment.objects.create(
        classroom=classroom, lesson=lesson, opens_at=opens_at, due_at=due_at, feedback=feedback
    )


@transaction.atomic
def sign_up_teacher(*, invitation: Invitation, username: str, display_name: str, password: str) -> User:
    """Create a teacher account from ``invitation`` and use the invitation up; raise InvitationUsed."""
    teacher = User.objects.create_user(
        username, password=password, display_name=display_name, role=User.Role.TEACHER
    )
    # The filtered update claims the invitation atomically: of two people submitting
    # the same link at once, one gets it and the other's account is rolled back.
    claimed = Invitation.objects.usable().filter(pk=invitation.pk).update(used_by=teacher)
    if not claimed:
        raise InvitationUsed
    return teacher
