"""Login forms that consult the login throttle before checking a password, and log the outcome."""

from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError

from teaching import throttle
from teaching.security_log import log_event, log_warning, pseudonym


def _username_fields(username: str) -> dict[str, object]:
    """Return how a typed username appears in the log: in clear only if it names an account."""
    if get_user_model().objects.filter(username=username).exists():
        return {"username": username}
    return {"unknown_username": pseudonym(username)}


class ThrottledLoginMixin:
    """
    Refuse a locked username before authenticating; count failures; clear them on success.

    Mixed into both the site's and the admin's login forms, so neither login page
    is a way round the other's lockout.
    """

    def clean(self):
        username = self.cleaned_data.get("username")
        if not username:
            return super().clean()
        if lockout := throttle.LOGIN.lockout(username):
            fields = _username_fields(username)
            log_warning("login.refused", reason="locked", seconds=lockout.seconds, **fields)
            raise ValidationError(lockout.message, code="locked")
        try:
            cleaned_data = super().clean()
        except ValidationError:
            lockout = throttle.LOGIN.fail(username)
            log_warning("login.failure", **_username_fields(username))
            if lockout is not None:
                log_warning("login.locked", seconds=lockout.seconds, **_username_fields(username))
                raise ValidationError(lockout.message, code="locked") from None
            raise
        if self.user_cache is not None:
            throttle.LOGIN.reset(username)
            user = self.user_cache
            log_event(
                "login.success", user=user.pk, username=user.username, name=user.display_name, role=user.role
            )
        return cleaned_data

    @property
    def is_locked(self) -> bool:
        """Return whether the form was refused because of a lockout."""
        return any(error.code == "locked" for error in self.errors.as_data().get("__all__", []))


class ThrottledAuthenticationForm(ThrottledLoginMixin, AuthenticationForm):
    """The login page's form."""


class ThrottledAdminAuthenticationForm(ThrottledLoginMixin, AdminAuthenticationForm):
    """The admin's login form."""
