"""The Django admin, arranged for a school admin who is not a programmer."""

import datetime

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from teaching.forms.auth import ThrottledAdminAuthenticationForm
from teaching.models import (
    Article,
    Assignment,
    Attempt,
    Classroom,
    DraftSuggestion,
    Enrollment,
    Invitation,
    KeyDevice,
    Lesson,
    Segment,
    Technique,
    User,
)


@admin.register(Technique)
class TechniqueAdmin(admin.ModelAdmin):
    list_display = ["name", "swatch", "code", "family", "ptc_label", "shortcut", "position"]
    list_filter = ["family"]
    search_fields = ["name", "slug", "ptc_label", "definition"]
    prepopulated_fields = {"slug": ["name"]}
    ordering = ["position"]

    @admin.display(description=_("colour"))
    def swatch(self, technique):
        return format_html(
            '<span class="lens-swatch" data-colour="{}">{}</span>', technique.colour, technique.colour
        )


class ArticleInline(admin.StackedInline):
    model = Article
    can_delete = False


class SegmentInline(admin.TabularInline):
    model = Segment
    extra = 0
    fields = [
        "position",
        "start",
        "end",
        "kind",
        "voice",
        "speaker",
        "quote_source",
        "neutral",
        "explanation",
    ]


class DraftSuggestionInline(admin.TabularInline):
    model = DraftSuggestion
    extra = 0
    fields = ["start", "end", "technique", "confidence", "status", "reason"]
    readonly_fields = ["start", "end", "technique", "confidence", "reason"]
    can_delete = False


class KeyDeviceInline(admin.TabularInline):
    model = KeyDevice
    extra = 0
    autocomplete_fields = ["technique"]
    fields = ["position", "technique", "start", "end", "text", "explanation"]


@admin.register(Lesson)
class LessonAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "status", "segment_count", "device_count"]
    list_filter = ["status"]
    search_fields = ["title", "slug", "summary", "article__title", "article__body"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [ArticleInline, SegmentInline, KeyDeviceInline, DraftSuggestionInline]

    @admin.display(description=_("segments"))
    def segment_count(self, lesson):
        return lesson.segments.count()

    @admin.display(description=_("key devices"))
    def device_count(self, lesson):
        return lesson.key_devices.count()


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "display_name", "role", "is_staff", "last_login"]
    list_filter = ["role", "is_staff", "is_active"]
    search_fields = ["username", "display_name", "email"]
    fieldsets = [
        *BaseUserAdmin.fieldsets,
        (_("Lens"), {"fields": ["role", "display_name"]}),
    ]
    add_fieldsets = [
        *BaseUserAdmin.add_fieldsets,
        (_("Lens"), {"fields": ["role", "display_name"]}),
    ]


def signup_link_column(request):
    """Return an admin column showing an invitation's full sign-up link, to copy into an email."""

    # Made per request: the link carries the address this admin reached the site at.
    @admin.display(description=_("sign-up link"))
    def signup_link(invitation):
        if invitation.pk is None:
            return _("Save the invitation to get its link.")
        if invitation.used_by_id:
            return _("Used")
        if invitation.expires_at <= timezone.now():
            return _("Expired")
        url = request.build_absolute_uri(reverse("teacher_signup", args=[invitation.token]))
        return format_html('<a href="{0}">{0}</a>', url)

    return signup_link


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["note", "created_by", "created_at", "expires_at", "used_by"]
    readonly_fields = ["token", "used_by", "created_by"]
    search_fields = ["note"]

    def get_list_display(self, request):
        return [*super().get_list_display(request), self.signup_link(request)]

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), self.signup_link(request)]

    def signup_link(self, request):
        """Return this request's sign-up link column: one object, as the admin compares fields by identity."""
        if not hasattr(request, "lens_signup_link"):
            request.lens_signup_link = signup_link_column(request)
        return request.lens_signup_link

    def get_form(self, request, obj=None, **kwargs):
        # The sign-up link is a read-only callable: shown on the page, never a form field.
        if kwargs.get("fields"):
            kwargs["fields"] = [field for field in kwargs["fields"] if not callable(field)]
        return super().get_form(request, obj, **kwargs)

    def get_changeform_initial_data(self, request):
        return {
            "expires_at": timezone.now() + datetime.timedelta(days=14),
            **super().get_changeform_initial_data(request),
        }

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


class EnrollmentInline(admin.TabularInline):
    model = Enrollment
    extra = 0
    autocomplete_fields = ["student"]


@admin.register(Classroom)
class ClassroomAdmin(admin.ModelAdmin):
    list_display = ["name", "teacher", "join_code", "created_at", "archived_at"]
    list_filter = ["archived_at"]
    search_fields = ["name", "teacher__username", "teacher__display_name"]
    autocomplete_fields = ["teacher"]
    inlines = [EnrollmentInline]


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ["lesson", "classroom", "opens_at", "due_at", "feedback"]
    list_filter = ["feedback"]
    search_fields = ["lesson__title", "classroom__name"]
    autocomplete_fields = ["classroom"]


@admin.register(Attempt)
class AttemptAdmin(admin.ModelAdmin):
    list_display = ["student", "assignment", "started_at", "submitted_at"]
    search_fields = ["student__username", "student__display_name", "assignment__lesson__title"]
    readonly_fields = ["assignment", "student", "started_at", "last_active_at", "seconds_spent"]


# The admin's login page counts failures against the same throttle as the site's
# login page, so neither is a way round the other's lockout.
admin.site.login_form = ThrottledAdminAuthenticationForm
