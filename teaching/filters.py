"""
Filters for the results table: name and status narrow the roster in the database;
a score range is validated by the same form and applied to the scored rows.
"""

from collections.abc import Sequence

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from teaching.models import Attempt, User

MEASURES = [
    ("named", _("Devices named F1")),
    ("spotted", _("Devices spotted F1")),
    ("voices", _("Voices score")),
]
DEFAULT_MEASURE = "named"


class ResultsFilterForm(forms.Form):
    def clean(self):
        cleaned = super().clean()
        low, high = cleaned.get("min_score"), cleaned.get("max_score")
        if low is not None and high is not None and low > high:
            self.add_error("max_score", _("The highest score must not be below the lowest."))
        if any(name in self.errors for name in ("measure", "min_score", "max_score")):
            # Half a range would filter on something the teacher did not ask for: drop all of it.
            for name in ("min_score", "max_score"):
                cleaned.pop(name, None)
        return cleaned


class ResultsFilter(django_filters.FilterSet):
    """Narrow a class's results by student name, status and a score range."""

    name = django_filters.CharFilter(
        label=_("Name"),
        method="filter_name",
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off", "spellcheck": "false"}),
    )
    status = django_filters.MultipleChoiceFilter(
        label=_("Status"),
        choices=Attempt.Status.choices,
        method="filter_status",
        widget=forms.CheckboxSelectMultiple,
    )
    measure = django_filters.ChoiceFilter(
        label=_("Score"), choices=MEASURES, empty_label=None, method="keep_all"
    )
    min_score = django_filters.NumberFilter(
        label=_("From (%)"),
        method="keep_all",
        min_value=0,
        max_value=100,
        widget=forms.NumberInput(attrs={"min": 0, "max": 100, "step": 1, "inputmode": "numeric"}),
    )
    max_score = django_filters.NumberFilter(
        label=_("To (%)"),
        method="keep_all",
        min_value=0,
        max_value=100,
        widget=forms.NumberInput(attrs={"min": 0, "max": 100, "step": 1, "inputmode": "numeric"}),
    )

    class Meta:
        model = User
        fields = []
        form = ResultsFilterForm

    def __init__(self, data=None, queryset=None, *, assignment, now=None, **kwargs):
        self.assignment = assignment
        self.now = now or timezone.now()
        super().__init__(data, queryset, **kwargs)

    def filter_name(self, queryset, name, value):
        words = value.split()
        for word in words:
            queryset = queryset.filter(Q(display_name__icontains=word) | Q(username__icontains=word))
        return queryset

    def filter_status(self, queryset, name, value):
        """Keep students whose status (as ``attempt_status`` would report it) is among ``value``."""
        attempts = Attempt.objects.filter(assignment=self.assignment, student=OuterRef("pk"))
        started = Exists(attempts)
        submitted = Exists(attempts.filter(submitted_at__isnull=False))
        past_due = self.assignment.is_past_due(self.now)
        conditions = {
            Attempt.Status.SUBMITTED: Q(submitted),
            Attempt.Status.OVERDUE: ~Q(submitted) if past_due else None,
            Attempt.Status.IN_PROGRESS: (Q(started) & ~Q(submitted)) if not past_due else None,
            Attempt.Status.NOT_STARTED: ~Q(started) if not past_due else None,
        }
        wanted = [conditions[status] for status in value if conditions[status] is not None]
        if not wanted:
            return queryset.none()
        combined = wanted[0]
        for condition in wanted[1:]:
            combined |= condition
        return queryset.filter(combined)

    def keep_all(self, queryset, name, value):
        # Scores are computed in Python; filter_rows applies these to the scored rows.
        return queryset

    @property
    def narrows_roster(self) -> bool:
        """Return whether a valid name or status filter is set: without one, ``qs`` is the whole class."""
        if not self.is_bound:
            return False
        self.form.is_valid()
        return bool(self.form.cleaned_data.get("name") or self.form.cleaned_data.get("status"))

    @property
    def score_range(self) -> tuple[str, float | None, float | None]:
        """Return the valid measure and bounds (0 to 1) of the score range; None where unset."""
        cleaned = {}
        if self.is_bound:
            # Validation leaves invalid fields out of cleaned_data, so a bad bound filters nothing.
            self.form.is_valid()
            cleaned = self.form.cleaned_data
        low, high = cleaned.get("min_score"), cleaned.get("max_score")
        return (
            cleaned.get("measure") or DEFAULT_MEASURE,
            None if low is None else float(low) / 100,
            None if high is None else float(high) / 100,
        )


def filter_rows(rows: Sequence, score_range: tuple[str, float | None, float | None]) -> list:
    """Return the rows whose score on the chosen measure lies in the range; unscored rows drop out."""
    measure, low, high = score_range
    if low is None and high is None:
        return list(rows)
    field = {"named": "named_f1", "spotted": "spotted_f1", "voices": "voices"}[measure]
    kept = []
    for row in rows:
        value = getattr(row, field)
        if value is None:
            continue
        # Compare in whole percent, as shown, so "from 50" keeps a score shown as 50%.
        percent = round(value * 100)
        if (low is None or percent >= round(low * 100)) and (high is None or percent <= round(high * 100)):
            kept.append(row)
    return kept


class AnalysisFilterForm(forms.Form):
    """Which students the item analysis counts."""

    submitted = forms.BooleanField(label=_("Count only submitted work"), required=False)
