"""
Keep ``Lesson.content_version`` moving whenever what a lesson shows could change.

What is rendered once from a lesson's article, sentences and key and then reused is
cached under ``(lesson.pk, lesson.content_version)``, so a stale copy is never served:
it is simply never asked for again. Every change to an article, a segment, a key
device or the lesson itself goes through a model's save or delete, which the signals
below see; the few bulk writes (which send no signals) call
``bump_content_version`` themselves. The taxonomy is shared by every lesson, so a
change to a technique moves them all.
"""

from django.db.models import F
from django.db.models.signals import post_delete, post_save

from teaching.models import Article, KeyDevice, Lesson, Segment, Technique


def bump_content_version(*lesson_pks: int) -> None:
    """Mark the given lessons' rendered content as changed (every lesson if none is given)."""
    lessons = Lesson.objects.filter(pk__in=lesson_pks) if lesson_pks else Lesson.objects.all()
    lessons.update(content_version=F("content_version") + 1)


def _lesson_part_changed(sender, instance, raw=False, **kwargs):
    bump_content_version(instance.lesson_id)


def _lesson_changed(sender, instance, created=False, raw=False, update_fields=None, **kwargs):
    if not created:
        bump_content_version(instance.pk)


def _taxonomy_changed(sender, instance, **kwargs):
    bump_content_version()


def connect_content_versions() -> None:
    """Connect the signals (called once, from the app's ready())."""
    for model in (Article, Segment, KeyDevice):
        post_save.connect(
            _lesson_part_changed, sender=model, dispatch_uid=f"content-version-{model.__name__}"
        )
        post_delete.connect(
            _lesson_part_changed, sender=model, dispatch_uid=f"content-version-d-{model.__name__}"
        )
    post_save.connect(_lesson_changed, sender=Lesson, dispatch_uid="content-version-lesson")
    post_save.connect(_taxonomy_changed, sender=Technique, dispatch_uid="content-version-technique")
    post_delete.connect(_taxonomy_changed, sender=Technique, dispatch_uid="content-version-d-technique")
