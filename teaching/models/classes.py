"""Classes, the students in them, and the lessons assigned to them."""

import secrets

from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# Crockford's base-32 alphabet: no I, L, O or U, so codes read aloud or copied
# from a projector are not misread.
JOIN_CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
JOIN_CODE_LENGTH = 10  # 50 bits


def new_join_code():
    """Return a fresh, unguessable class join code."""
    return "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(JOIN_CODE_LENGTH))


class ClassroomQuerySet(models.QuerySet):
    def active(self):
        return self.filter(archived_at__isnull=True)

    def taught_by(self, user):
        """Return the classes ``user`` teaches (none for anyone else)."""
        return self.filter(teacher=user)

    def with_counts(self):
        """Return the classes annotated with ``student_count`` and ``assignment_count``."""
        return self.annotate(
            student_count=models.Count("enrollments", distinct=True),
            assignment_count=models.Count("assignments", distinct=True),
        )


class Classroom(models.Model):
    """A teacher's class; students join it with its join code."""

    teacher = models.ForeignKey("teaching.User", models.CASCADE, related_name="classrooms_taught")
    name = models.CharField(_("name"), max_length=100)
    join_code = models.CharField(_("join code"), max_length=16, unique=True, default=new_join_code)
    students = models.ManyToManyField(
        "teaching.User", through="Enrollment", related_name="classrooms", blank=True
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    archived_at = models.DateTimeField(_("archived"), null=True, blank=True)

    objects = ClassroomQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("class")
        verbose_name_plural = _("classes")

    def __str__(self):
        return self.name

    @property
    def is_archived(self):
        return self.archived_at is not None

    @property
    def grouped_join_code(self):
        """Return the join code in two halves, easier to read off a projector: ``ABCDE-FGHJK``."""
        half = len(self.join_code) // 2
        return f"{self.join_code[:half]}-{self.join_code[half:]}"


class Enrollment(models.Model):
    """A student's membership of a class."""

    classroom = models.ForeignKey(Classroom, models.CASCADE, related_name="enrollments")
    student = models.ForeignKey("teaching.User", models.CASCADE, related_name="enrollments")
    joined_at = models.DateTimeField(_("joined"), auto_now_add=True)

    class Meta:
        ordering = ["classroom", "student__display_name"]
        verbose_name = _("enrollment")
        verbose_name_plural = _("enrollments")
        constraints = [
            models.UniqueConstraint(fields=["classroom", "student"], name="enrollment_unique"),
        ]

    def __str__(self):
        return f"{self.student} in {self.classroom}"


class Assignment(models.Model):
    """A lesson set for a class, open between two times."""

    class Feedback(models.TextChoices):
        ON_SUBMIT = "on_submit", _("Right after the student submits")
        AFTER_DUE = "after_due", _("Only after the due time")

    classroom = models.ForeignKey(Classroom, models.CASCADE, related_name="assignments")
    lesson = models.ForeignKey("teaching.Lesson", models.PROTECT, related_name="assignments")
    opens_at = models.DateTimeField(_("opens"), default=timezone.now)
    due_at = models.DateTimeField(_("due"))
    feedback = models.CharField(_("feedback"), max_length=10, choices=Feedback, default=Feedback.ON_SUBMIT)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-due_at"]
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        constraints = [
            models.CheckConstraint(condition=Q(due_at__gt=F("opens_at")), name="assignment_due_after_open"),
        ]

    def __str__(self):
        return f"{self.lesson} — {self.classroom}"

    def is_open(self, now=None):
        now = now or timezone.now()
        return self.opens_at <= now < self.due_at

    def is_past_due(self, now=None):
        return (now or timezone.now()) >= self.due_at
