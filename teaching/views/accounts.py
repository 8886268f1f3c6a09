"""Getting an account: students join a class with its code; teachers sign up with an invitation."""

from django.contrib import messages
from django.contrib.auth import login
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from teaching import throttle
from teaching.access import is_student, student_required
from teaching.classes import InvitationUsed, JoinError, join_classroom, sign_up_student, sign_up_teacher
from teaching.forms.accounts import JoinCodeForm, StudentSignupForm, TeacherSignupForm
from teaching.models import Invitation

# Named when logging in a brand-new account, so adding a backend (a throttle, say) needs no change here.
MODEL_BACKEND = "teaching.backends.UserBackend"


@require_http_methods(["GET", "POST"])
def student_join(request):
    """Join a class with its code: a new student also picks a name and password; others just the code."""
    user = request.user
    if user.is_authenticated and not is_student(user):
        # A teacher testing the page: say why there is no form rather than a 404.
        return render(request, "teaching/student_join.html", {"form": None})
    form_class = JoinCodeForm if user.is_authenticated else StudentSignupForm
    form = form_class(request.POST or None, initial={"code": request.GET.get("code", "")[:24]})
    if form.is_valid() and (lockout := throttle.join_lockout(request)):
        form.add_error("code", lockout.message)
    elif form.is_valid():
        data = form.cleaned_data
        try:
            if user.is_authenticated:
                classroom, joined = join_classroom(student=user, code=data["code"])
            else:
                user, classroom = sign_up_student(
                    display_name=data["display_name"], password=data["password1"], code=data["code"]
                )
        except JoinError as error:
            form.add_error(error.field, str(error))
            # Only a wrong code is a guess; a taken display name is not.
            if error.field == "code" and (lockout := throttle.join_failed(request)):
                form.add_error("code", lockout.message)
        else:
            throttle.join_succeeded(request)
            if request.user.is_authenticated:
                text = _("You joined %(name)s.") if joined else _("You are already in %(name)s.")
                messages.success(request, text % {"name": classroom.name})
                return redirect("student_home")
            login(request, user, backend=MODEL_BACKEND)
            messages.success(request, _("You joined %(name)s.") % {"name": classroom.name})
            return redirect("student_welcome")
    # A refused form is a 400: it is shown again, saying what to fix.
    return render(request, "teaching/student_join.html", {"form": form}, status=400 if form.errors else 200)


@require_GET
@student_required
def student_welcome(request):
    """Show a student the username they log in with, right after they made their account."""
    return render(request, "teaching/student_welcome.html")


@require_http_methods(["GET", "POST"])
def teacher_signup(request, token):
    """Create a teacher account from an admin's invitation link."""
    invitation = Invitation.objects.usable().filter(token=token).first()
    if invitation is None:
        return render(request, "teaching/teacher_signup.html", {"form": None}, status=404)
    form = TeacherSignupForm(request.POST or None)
    if form.is_valid():
        try:
            teacher = sign_up_teacher(
                invitation=invitation,
                username=form.cleaned_data["username"],
                display_name=form.cleaned_data["display_name"],
                password=form.cleaned_data["password1"],
            )
        except InvitationUsed:
            return render(request, "teaching/teacher_signup.html", {"form": None}, status=404)
        login(request, teacher, backend=MODEL_BACKEND)
        messages.success(request, _("Welcome to Lens. Create your first class to get started."))
        return redirect("classroom_list")
    context = {"form": form, "invitation": invitation}
    return render(request, "teaching/teacher_signup.html", context, status=400 if form.errors else 200)
