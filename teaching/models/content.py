"""The lesson content: the taxonomy, an article, and the answer key laid over it."""

from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class Voice(models.TextChoices):
    """Whose words a sentence is (the first activity's labels)."""

    DIRECT = "direct", _("Direct quote")
    PARTIAL = "partial", _("Partial quote")
    PARAPHRASE = "paraphrase", _("Paraphrase")
    NARRATION = "narration", _("Narration")


class QuoteSource(models.TextChoices):
    """Whose words stand inside a sentence's quotation marks."""

    SPEAKER = "speaker", _("The speaker's own words")
    QUOTED_OTHER = "quoted-other", _("Words the speaker quotes from someone else")
    MIXED = "mixed", _("Both")


class TechniqueManager(models.Manager):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class Technique(models.Model):
    """A persuasion technique in the palette; data, so admins can add local ones."""

    class Family(models.TextChoices):
        ATTACK = "attack", _("Attack on reputation")
        JUSTIFICATION = "justification", _("Justification")
        SIMPLIFICATION = "simplification", _("Simplification")
        DISTRACTION = "distraction", _("Distraction")
        CALL = "call", _("Call to action")
        WORDING = "wording", _("Manipulative wording")

    slug = models.SlugField(_("slug"), unique=True)
    name = models.CharField(_("name"), max_length=60)
    ptc_label = models.CharField(
        _("PTC label"),
        max_length=80,
        blank=True,
        help_text=_("The label in the Propaganda Techniques Corpus; empty for a local technique."),
    )
    family = models.CharField(_("family"), max_length=20, choices=Family)
    definition = models.TextField(_("definition"))
    example = models.TextField(_("example"))
    colour = models.CharField(
        _("colour"),
        max_length=7,
        validators=[RegexValidator(r"^#[0-9a-fA-F]{6}$", _("Enter a colour as #rrggbb."))],
        help_text=_("Highlight background; always shown with the code beside it."),
    )
    code = models.CharField(
        _("code"), max_length=3, unique=True, help_text=_("Badge shown on highlights, e.g. LL.")
    )
    shortcut = models.CharField(
        _("keyboard shortcut"), max_length=1, blank=True, help_text=_("One lowercase letter.")
    )
    position = models.PositiveSmallIntegerField(_("position in the palette"), default=0)

    objects = TechniqueManager()

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("technique")
        verbose_name_plural = _("techniques")
        constraints = [
            models.UniqueConstraint(
                fields=["ptc_label"], condition=~Q(ptc_label=""), name="technique_unique_ptc_label"
            ),
            models.UniqueConstraint(
                fields=["shortcut"], condition=~Q(shortcut=""), name="technique_unique_shortcut"
            ),
        ]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.slug,)

    @property
    def is_local(self):
        """Return whether this technique is a local addition outside the PTC taxonomy."""
        return not self.ptc_label


class LessonQuerySet(models.QuerySet):
    def published(self):
        """Return lessons a teacher may assign."""
        return self.filter(status=Lesson.Status.PUBLISHED)

    def drafts_editable_by(self, user):
        """Return the drafts ``user`` may edit: their own, or every draft for staff."""
        drafts = self.filter(status=Lesson.Status.DRAFT)
        return drafts if user.is_staff else drafts.filter(created_by=user)

    def visible_to(self, user):
        """Return the lessons ``user`` may open: every published lesson and the drafts they may edit."""
        return self.published() | self.drafts_editable_by(user)

    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class Lesson(models.Model):
    """One article with its answer key: what a teacher assigns."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    slug = models.SlugField(_("slug"), unique=True)
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.PUBLISHED)
    created_by = models.ForeignKey(
        "teaching.User", models.SET_NULL, null=True, blank=True, related_name="authored_lessons"
    )
    # Changes whenever the lesson's article, segments or key (or the taxonomy) change, so that
    # what is rendered once from them can be cached under (pk, content_version) and never go stale.
    # Kept up to date by teaching/content_versions.py.
    content_version = models.PositiveBigIntegerField(default=0, editable=False)

    objects = LessonQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        verbose_name = _("lesson")
        verbose_name_plural = _("lessons")

    def __str__(self):
        return self.title

    def natural_key(self):
        return (self.slug,)


class ArticleManager(models.Manager):
    def get_by_natural_key(self, lesson_slug):
        return self.get(lesson__slug=lesson_slug)


class Article(models.Model):
    """The news text a lesson is built on; segments and key spans are offsets into ``body``."""

    lesson = models.OneToOneField(
        Lesson, models.CASCADE, primary_key=True, related_name="article", verbose_name=_("lesson")
    )
    title = models.CharField(_("headline"), max_length=300)
    outlet = models.CharField(_("outlet"), max_length=100)
    published = models.DateField(_("published"))
    language = models.CharField(_("language"), max_length=10, default="en")
    body = models.TextField(_("body"))

    objects = ArticleManager()

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")

    def __str__(self):
        return f"{self.outlet}: {self.title}"

    def natural_key(self):
        return self.lesson.natural_key()

    natural_key.dependencies = ["teaching.lesson"]


def span_constraints(name):
    """Return the database checks for a model that stores a non-empty [start, end) span."""
    return [
        models.CheckConstraint(condition=Q(start__gte=0), name=f"{name}_start_not_negative"),
        models.CheckConstraint(condition=Q(end__gt=F("start")), name=f"{name}_not_empty"),
    ]


class PositionedManager(models.Manager):
    def get_by_natural_key(self, lesson_slug, position):
        return self.get(lesson__slug=lesson_slug, position=position)


class Segment(models.Model):
    """A sentence or heading of the article, with the voices key for it."""

    class Kind(models.TextChoices):
        SENTENCE = "sentence", _("Sentence")
        HEADING = "heading", _("Heading")

    lesson = models.ForeignKey(Lesson, models.CASCADE, related_name="segments")
    position = models.PositiveIntegerField(_("position"))
    start = models.PositiveIntegerField(_("start"))
    end = models.PositiveIntegerField(_("end"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind, default=Kind.SENTENCE)
    voice = models.CharField(_("voice"), max_length=12, choices=Voice, blank=True)
    speaker = models.CharField(_("speaker"), max_length=100, blank=True)
    quote_source = models.CharField(
        _("whose words are in the quotes"), max_length=12, choices=QuoteSource, blank=True
    )
    neutral = models.BooleanField(
        _("neutral"), default=False, help_text=_("A plain statement with no persuasion device.")
    )
    explanation = models.TextField(_("explanation"), blank=True)

    objects = PositionedManager()

    class Meta:
        ordering = ["lesson", "position"]
        verbose_name = _("segment")
        verbose_name_plural = _("segments")
        constraints = [
            models.UniqueConstraint(fields=["lesson", "position"], name="segment_unique_position"),
            models.UniqueConstraint(fields=["lesson", "start"], name="segment_unique_start"),
            *span_constraints("segment"),
        ]

    def __str__(self):
        return f"{self.lesson.slug} #{self.position} [{self.start}:{self.end})"

    def natural_key(self):
        return (*self.lesson.natural_key(), self.position)

    natural_key.dependencies = ["teaching.lesson"]


class KeyDevice(models.Model):
    """A span of the article that the key marks with a technique, with its explanation."""

    lesson = models.ForeignKey(Lesson, models.CASCADE, related_name="key_devices")
    position = models.PositiveIntegerField(_("position"))
    technique = models.ForeignKey(Technique, models.PROTECT, related_name="key_devices")
    start = models.PositiveIntegerField(_("start"))
    end = models.PositiveIntegerField(_("end"))
    text = models.TextField(_("text"), help_text=_("Must equal the article body between start and end."))
    explanation = models.TextField(_("explanation"), blank=True)

    objects = PositionedManager()

    class Meta:
        ordering = ["lesson", "position"]
        verbose_name = _("key device")
        verbose_name_plural = _("key devices")
        constraints = [
            models.UniqueConstraint(fields=["lesson", "position"], name="keydevice_unique_position"),
            *span_constraints("keydevice"),
        ]

    def __str__(self):
        return f"{self.technique}: {self.text[:40]}"

    def natural_key(self):
        return (*self.lesson.natural_key(), self.position)

    natural_key.dependencies = ["teaching.lesson", "teaching.technique"]


class DraftSuggestion(models.Model):
    """A device the drafting engine proposes for a draft's key; the teacher accepts or rejects it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for a decision")
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Rejected")

    lesson = models.ForeignKey(Lesson, models.CASCADE, related_name="suggestions")
    start = models.PositiveIntegerField(_("start"))
    end = models.PositiveIntegerField(_("end"))
    technique = models.ForeignKey(Technique, models.PROTECT, related_name="suggestions")
    reason = models.TextField(_("why it was suggested"))
    confidence = models.FloatField(_("confidence"), help_text=_("From 0 (a guess) to 1 (near certain)."))
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.PENDING)

    class Meta:
        ordering = ["lesson", "start", "end", "pk"]
        verbose_name = _("draft suggestion")
        verbose_name_plural = _("draft suggestions")
        constraints = [
            *span_constraints("draftsuggestion"),
            models.CheckConstraint(
                condition=Q(confidence__gte=0, confidence__lte=1), name="draftsuggestion_confidence_0_to_1"
            ),
        ]

    def __str__(self):
        return f"{self.technique}? [{self.start}:{self.end}) ({self.get_status_display()})"

    @property
    def is_pending(self):
        return self.status == self.Status.PENDING

    @property
    def confidence_percent(self):
        return round(self.confidence * 100)

    @property
    def confidence_level(self):
        """Return "low", "medium" or "high": words beside the number, so no one has to read a bar."""
        if self.confidence < 0.4:
            return "low"
        return "medium" if self.confidence < 0.7 else "high"
