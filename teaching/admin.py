"""The Django admin, arranged for a school admin who is not a programmer."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from teaching.models import (
    Article,
    Assignment,
    Attempt,
    Classroom,
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
    inlines = [ArticleInline, SegmentInline, KeyDeviceInline]

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


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["note", "created_by", "created_at", "expires_at", "used_by"]
    readonly_fields = ["token", "used_by", "created_by"]
    search_fields = ["note"]

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
