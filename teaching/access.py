"""
Who may see what. Every view states its audience with one of these decorators.

A signed-in user who is not the audience gets a 404, never a 403: a student
must not learn that a teacher page, or another student's attempt, exists.
"""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import Http404


def _role_required(test):
    def decorator(view):
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not test(request.user):
                raise Http404
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def is_teacher(user):
    """Return whether ``user`` may use the teacher pages (teachers, and staff acting as one)."""
    return user.is_active and (user.is_teacher or user.is_staff)


def is_student(user):
    return user.is_active and user.is_student and not user.is_staff


teacher_required = _role_required(is_teacher)
student_required = _role_required(is_student)
