from django.shortcuts import redirect
from django.views.decorators.http import require_GET

from teaching.access import is_teacher


@require_GET
def home(request):
    """Send each visitor to their own start page."""
    if not request.user.is_authenticated:
        return redirect("login")
    if is_teacher(request.user):
        return redirect("classroom_list")
    return redirect("student_home")
