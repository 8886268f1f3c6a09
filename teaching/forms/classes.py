"""Forms teachers fill in about their classes: a name, a list of students, an assignment."""

import datetime

from django import forms
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from teaching.classes import MAX_BULK_STUDENTS, normalise_display_name
from teaching.models import Assignment, Classroom, Lesson

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"
# How far from now an assignment may open or be due. Dates beyond are typing slips, and
# near the year 9999 they overflow when converted to UTC for the database.
ASSIGNMENT_DATES_BACK = datetime.timedelta(days=366)
ASSIGNMENT_DATES_AHEAD = datetime.timedelta(days=5 * 366)
DISPLAY_NAME_MAX = 40


class ClassroomForm(forms.Form):
    """A class's name, for creating or renaming it."""

    name = forms.CharField(
        label=_("Class name"),
        max_length=100,
        error_messages={"required": _("Give the class a name.")},
        help_text=_("Students see this name, for example “Year 10 Media Studies”."),
    )

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError(_("Give the class a name."))
        return name


class BulkStudentsForm(forms.Form):
    """Display names, one a line, for students the teacher signs up themselves."""

    names = forms.CharField(
        label=_("Students' names, one a line"),
        error_messages={"required": _("Type at least one name.")},
        widget=forms.Textarea(attrs={"rows": 6, "spellcheck": "false"}),
        help_text=_(
            "A first name and an initial is enough. Lens makes a username and a one-time password "
            "for each, shown once for you to print or copy."
        ),
    )

    def __init__(self, *args, classroom: Classroom, **kwargs):
        super().__init__(*args, **kwargs)
        self.classroom = classroom

    def clean_names(self):
        names = [normalise_display_name(line) for line in self.cleaned_data["names"].splitlines()]
        names = [name for name in names if name]  # blank lines between names are harmless
        if len(names) > MAX_BULK_STUDENTS:
            raise forms.ValidationError(
                _("Add at most %(max)d students at a time; this list has %(count)d.")
                % {"max": MAX_BULK_STUDENTS, "count": len(names)}
            )
        too_long = [name for name in names if len(name) > DISPLAY_NAME_MAX]
        if too_long:
            raise forms.ValidationError(
                _("Names can be at most %(max)d characters: %(names)s")
                % {"max": DISPLAY_NAME_MAX, "names": ", ".join(too_long)}
            )
        self._refuse_duplicates(names)
        return names

    def _refuse_duplicates(self, names):
        taken = {name.casefold() for name in self.classroom.students.values_list("display_name", flat=True)}
        seen, repeated = set(), []
        for name in names:
            key = name.casefold()
            if (key in seen or key in taken) and name not in repeated:
                repeated.append(name)
            seen.add(key)
        if repeated:
            message = ngettext(
                "This name is already in the class or appears twice: %(names)s. "
                "Add an initial so you can tell the students apart.",
                "These names are already in the class or appear twice: %(names)s. "
                "Add an initial so you can tell the students apart.",
                len(repeated),
            ) % {"names": ", ".join(repeated)}
            raise forms.ValidationError(message)


class AssignmentForm(forms.Form):
    """A published lesson, when it opens and is due, and when students see feedback."""

    lesson = forms.ModelChoiceField(
        label=_("Lesson"),
        queryset=Lesson.objects.none(),
        empty_label=_("Choose a lesson…"),
        error_messages={
            "required": _("Choose a lesson."),
            "invalid_choice": _("Choose one of the lessons in the list."),
        },
    )
    opens_at = forms.DateTimeField(
        label=_("Opens"),
        input_formats=[DATETIME_LOCAL],
        error_messages={
            "required": _("Choose when the lesson opens."),
            "invalid": _("Enter a date and a time."),
        },
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL),
        help_text=_("Students see the lesson from this time on."),
    )
    due_at = forms.DateTimeField(
        label=_("Due"),
        input_formats=[DATETIME_LOCAL],
        error_messages={
            "required": _("Choose when the lesson is due."),
            "invalid": _("Enter a date and a time."),
        },
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL),
        help_text=_("After this, students can no longer change their work."),
    )
    feedback = forms.ChoiceField(
        label=_("When may students see the answers?"),
        choices=Assignment.Feedback.choices,
        initial=Assignment.Feedback.ON_SUBMIT,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, now: datetime.datetime | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.now = now or timezone.now()
        self.fields["lesson"].queryset = Lesson.objects.published().order_by("title")
        if not self.is_bound:
            # Whole minutes, as the browser's picker shows them: "now" rounded down
            # is already open, so the class sees the lesson at once.
            opens = timezone.localtime(self.now).replace(second=0, microsecond=0)
            self.initial.setdefault("opens_at", opens)
            self.initial.setdefault("due_at", (opens + datetime.timedelta(days=7)).replace(hour=17, minute=0))

    def clean(self):
        cleaned = super().clean()
        earliest, latest = self.now - ASSIGNMENT_DATES_BACK, self.now + ASSIGNMENT_DATES_AHEAD
        for name in ("opens_at", "due_at"):
            if cleaned.get(name) and not earliest <= cleaned[name] <= latest:
                self.add_error(
                    name,
                    _("Choose a date between %(earliest)s and %(latest)s.")
                    % {
                        "earliest": formats.date_format(timezone.localtime(earliest)),
                        "latest": formats.date_format(timezone.localtime(latest)),
                    },
                )
        opens_at, due_at = cleaned.get("opens_at"), cleaned.get("due_at")
        if opens_at and due_at and due_at <= opens_at:
            self.add_error("due_at", _("The due time must be after the opening time."))
        elif due_at and due_at <= self.now:
            self.add_error("due_at", _("The due time has already passed. Choose a time in the future."))
        return cleaned
