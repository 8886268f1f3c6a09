"""
Django's ``loaddata``, refusing fixtures that leave a lesson broken.

Django loads fixtures in one transaction but checks nothing beyond the database's
own constraints: a segment gap or a key span whose text no longer matches the body
would load silently and break scoring later. This command runs the lesson check
inside that same transaction, so a broken fixture rolls back whole.
"""

import io

from django.core.management.base import CommandError, OutputWrapper
from django.core.management.commands import loaddata
from django.core.serializers.base import DeserializationError

from teaching.checks import check_lessons
from teaching.models import Lesson


class Command(loaddata.Command):
    help = (
        "Install the named fixtures in one transaction; refuse them, loading nothing, "
        "if they leave a lesson that fails Lens's lesson check."
    )

    def loaddata(self, fixture_labels):
        # Runs inside handle()'s transaction.atomic(): raising here undoes every row loaded.
        self.lesson_pks = set()
        # Django reports "Installed N object(s)" as it finishes: hold that until the check passes.
        stdout, self.stdout = self.stdout, OutputWrapper(io.StringIO())
        try:
            super().loaddata(fixture_labels)
        except DeserializationError as error:
            # An unknown natural key, a missing field, bad JSON: name it and stop.
            raise CommandError(f"Fixtures refused, nothing was loaded. {error}") from None
        finally:
            report, self.stdout = self.stdout._out.getvalue(), stdout
        slugs = set(Lesson.objects.filter(pk__in=self.lesson_pks).values_list("slug", flat=True))
        problems = [error.msg for error in check_lessons(lesson_slugs=slugs)] if slugs else []
        if problems:
            raise CommandError(
                "Fixtures refused, nothing was loaded: they leave lessons that fail the lesson check.\n"
                + "\n".join(f"  - {problem}" for problem in problems)
            )
        self.stdout.write(report, ending="")

    def load_label(self, fixture_label):
        self.current_label = fixture_label
        return super().load_label(fixture_label)

    def save_obj(self, obj):
        # Django defers a natural key it cannot find yet, hoping a later fixture brings the row;
        # a required one then fails with a bare NOT NULL error. Name the missing row instead.
        missing = [
            f"{field.name} {value!r}" for field, value in obj.deferred_fields.items() if not field.null
        ]
        if missing:
            raise CommandError(
                f"Fixtures refused, nothing was loaded: {obj.object._meta.label} "
                f"(in {self.current_label!r}) names rows that do not exist: {', '.join(missing)}. "
                "Load the fixture that defines them first, or correct the key."
            )
        saved = super().save_obj(obj)
        if saved:
            self.lesson_pks.update(_lesson_pks(obj.object))
        return saved


def _lesson_pks(instance):
    """Return the pk of the lesson ``instance`` belongs to, as a set (empty for anything else)."""
    if isinstance(instance, Lesson):
        return {instance.pk}
    # An article, segment, key device or draft suggestion names its lesson.
    lesson_id = getattr(instance, "lesson_id", None)
    return {lesson_id} if lesson_id is not None else set()
