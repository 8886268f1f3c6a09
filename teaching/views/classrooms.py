"""Teachers' classes."""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from teaching.access import teacher_required
from teaching.models import Classroom


@require_GET
@teacher_required
def classroom_list(request):
    classrooms = Classroom.objects.taught_by(request.user).active()
    return render(request, "teaching/classroom_list.html", {"classrooms": classrooms})
