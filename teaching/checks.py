"""System check: every lesson in the database is structurally sound (``manage.py check``)."""

from django.core.checks import Error, register
from django.db import DatabaseError

from teaching.validation import DeviceShape, SegmentShape, device_problems, segment_problems


@register("lessons")
def check_lessons(app_configs=None, *, lesson_slugs=None, **kwargs):
    """Report lessons (all, or only ``lesson_slugs``) whose segments or key spans do not fit the article."""
    from teaching.models import Lesson, Technique

    try:
        slugs = set(Technique.objects.values_list("slug", flat=True))
        lessons = Lesson.objects.select_related("article").prefetch_related(
            "segments", "key_devices__technique"
        )
        lessons = list(lessons if lesson_slugs is None else lessons.filter(slug__in=lesson_slugs))
    except DatabaseError:
        # Not migrated yet (``migrate`` runs the checks first): nothing to check.
        return []
    errors = []
    for lesson in lessons:
        article = getattr(lesson, "article", None)
        if article is None:
            errors.append(Error(f"Lesson {lesson.slug!r} has no article.", id="lens.E001"))
            continue
        segments = [SegmentShape(s.start, s.end) for s in lesson.segments.all()]
        devices = [DeviceShape(d.start, d.end, d.technique.slug, d.text) for d in lesson.key_devices.all()]
        problems = [
            *segment_problems(article.body, segments),
            *device_problems(article.body, devices, slugs),
        ]
        errors.extend(
            Error(f"Lesson {lesson.slug!r}, {field}: {message}", id="lens.E002")
            for field, message in problems
        )
    return errors
