"""People: teachers and pseudonymous students share one user model with a role."""

import secrets

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A teacher or a student; students carry only a display name, never an email or birth date."""

    class Role(models.TextChoices):
        TEACHER = "teacher", _("Teacher")
        STUDENT = "student", _("Student")

    role = models.CharField(_("role"), max_length=10, choices=Role, default=Role.STUDENT)
    display_name = models.CharField(_("display name"), max_length=40, blank=True)

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.display_name or self.username

    @property
    def is_teacher(self):
        return self.role == self.Role.TEACHER

    @property
    def is_student(self):
        return self.role == self.Role.STUDENT


def new_invitation_token():
    return secrets.token_urlsafe(24)


class InvitationQuerySet(models.QuerySet):
    def usable(self):
        """Return invitations that are neither used nor expired."""
        return self.filter(used_by__isnull=True, expires_at__gt=timezone.now())


class Invitation(models.Model):
    """An admin's invitation that lets one teacher create an account."""

    token = models.CharField(_("token"), max_length=64, unique=True, default=new_invitation_token)
    note = models.CharField(_("for whom"), max_length=200, blank=True)
    created_by = models.ForeignKey(User, models.CASCADE, related_name="invitations_sent")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    used_by = models.OneToOneField(User, models.SET_NULL, null=True, blank=True, related_name="invitation")

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("teacher invitation")
        verbose_name_plural = _("teacher invitations")

    def __str__(self):
        return self.note or self.token[:8]
