"""Logging in and out, throttled and logged; and the page a refused (CSRF) form post gets."""

from django.contrib.auth import views as auth_views
from django.shortcuts import render

from teaching.forms.auth import ThrottledAuthenticationForm
from teaching.security_log import log_event, log_warning, user_fields


class LoginView(auth_views.LoginView):
    """Django's login page with the throttled form; a locked username gets status 429."""

    form_class = ThrottledAuthenticationForm
    redirect_authenticated_user = True

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if form.is_locked:
            # "Too Many Requests": lets monitoring tell lockouts from typos.
            response.status_code = 429
        return response


class LogoutView(auth_views.LogoutView):
    """Django's logout (POST only, the session flushed), logged."""

    def post(self, request, *args, **kwargs):
        log_event("logout", **user_fields(request.user))
        return super().post(request, *args, **kwargs)


login = LoginView.as_view()
logout = LogoutView.as_view()


def csrf_failure(request, reason=""):
    """Refuse a form post that failed the CSRF check, log it, and tell the person what to do."""
    log_warning(
        "access.refused",
        status=403,
        reason=reason,
        method=request.method,
        path=request.path,
        **user_fields(getattr(request, "user", None)),
    )
    return render(request, "teaching/csrf_failure.html", status=403)
