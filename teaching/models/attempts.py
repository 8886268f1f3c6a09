"""A student's work on an assignment: voice answers and device marks."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from teaching.models.content import QuoteSource, Voice, span_constraints


class Attempt(models.Model):
    """One student's work on one assignment; locked once submitted."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("Not started")
        IN_PROGRESS = "in_progress", _("In progress")
        SUBMITTED = "submitted", _("Submitted")
        OVERDUE = "overdue", _("Overdue")

    assignment = models.ForeignKey("teaching.Assignment", models.CASCADE, related_name="attempts")
    student = models.ForeignKey("teaching.User", models.CASCADE, related_name="attempts")
    started_at = models.DateTimeField(_("started"), auto_now_add=True)
    last_active_at = models.DateTimeField(_("last active"), auto_now_add=True)
    seconds_spent = models.PositiveIntegerField(_("time spent (s)"), default=0)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    # Counts the changes to the attempt's answers and marks: every save bumps it in the
    # update that records the student's activity. The results pages cache each attempt's
    # scores under this number, so a change of work is a new number, never a stale score.
    work_version = models.PositiveIntegerField(_("work version"), default=0, editable=False)

    class Meta:
        ordering = ["assignment", "student"]
        verbose_name = _("attempt")
        verbose_name_plural = _("attempts")
        constraints = [
            models.UniqueConstraint(fields=["assignment", "student"], name="attempt_unique"),
        ]

    def __str__(self):
        return f"{self.student} on {self.assignment}"

    @property
    def is_submitted(self):
        return self.submitted_at is not None


class VoiceAnswer(models.Model):
    """A student's label for one segment; one row per segment, updated in place."""

    attempt = models.ForeignKey(Attempt, models.CASCADE, related_name="voice_answers")
    segment = models.ForeignKey("teaching.Segment", models.CASCADE, related_name="answers")
    voice = models.CharField(_("voice"), max_length=12, choices=Voice)
    quote_source = models.CharField(
        _("whose words are in the quotes"), max_length=12, choices=QuoteSource, blank=True
    )
    # Counts the changes to this answer. A tab sends the revision it last saw, so a save
    # from a tab that missed a change made in another is refused instead of undoing it.
    revision = models.PositiveIntegerField(_("revision"), default=1)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["attempt", "segment__position"]
        verbose_name = _("voice answer")
        verbose_name_plural = _("voice answers")
        constraints = [
            models.UniqueConstraint(fields=["attempt", "segment"], name="voiceanswer_unique"),
        ]

    def __str__(self):
        return f"{self.segment}: {self.voice}"


class Mark(models.Model):
    """A stretch of the article a student marked with a technique."""

    attempt = models.ForeignKey(Attempt, models.CASCADE, related_name="marks")
    technique = models.ForeignKey("teaching.Technique", models.PROTECT, related_name="marks")
    start = models.PositiveIntegerField(_("start"))
    end = models.PositiveIntegerField(_("end"))
    # Chosen by the browser, so a replayed save (a retry after a lost response)
    # finds the mark it already made instead of adding a second one.
    client_id = models.UUIDField(_("client id"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["attempt", "start", "end"]
        verbose_name = _("mark")
        verbose_name_plural = _("marks")
        constraints = [
            models.UniqueConstraint(fields=["attempt", "client_id"], name="mark_unique_client_id"),
            *span_constraints("mark"),
        ]
        indexes = [
            # A student's marks in text order, and the "already marked these words" check on
            # every save. Without it SQLite looks the words up through the technique's index,
            # reading every student's marks of that technique.
            models.Index(fields=["attempt", "start", "end"], name="mark_attempt_span"),
        ]

    def __str__(self):
        return f"{self.technique} [{self.start}:{self.end})"
