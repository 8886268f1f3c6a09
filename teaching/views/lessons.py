"""The lesson library: teachers read a lesson and its key before assigning it."""

from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from teaching.access import teacher_required
from teaching.models import Lesson
from teaching.text_runs import runs_by_segment


@require_GET
@teacher_required
def lesson_list(request):
    """List the published lessons, and the drafts this teacher may go on editing."""
    lessons = Lesson.objects.published().select_related("article")
    drafts = Lesson.objects.drafts_editable_by(request.user).select_related("article", "created_by")
    return render(request, "teaching/lesson_list.html", {"lessons": lessons, "drafts": drafts})


@require_GET
@teacher_required
def lesson_detail(request, slug):
    lesson = get_object_or_404(Lesson.objects.published().select_related("article"), slug=slug)
    key_devices = list(lesson.key_devices.select_related("technique"))
    context = {
        "lesson": lesson,
        "segment_runs": runs_by_segment(lesson.article.body, lesson.segments.all(), key_devices),
        "key_devices": key_devices,
    }
    return render(request, "teaching/lesson_detail.html", context)
