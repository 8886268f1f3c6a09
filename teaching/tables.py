"""
The teacher's results tables (django-tables2), built on rows computed from scored work.

Scores are computed in Python, so the tables hold lists of dicts: django-tables2
sorts and paginates those itself, and ``as_values`` gives the CSV exactly what
the page shows.
"""

import django_tables2 as tables
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from teaching.analysis import ItemStats
from teaching.classwork import ClassWork
from teaching.models import Attempt

PER_PAGE = 25
TABLE_TEMPLATE = "teaching/_table.html"

# Unscored rows sort below every score, so "best first" puts them last.
_UNSCORED = -2.0
_STATUS_RANK = {
    Attempt.Status.NOT_STARTED: 0,
    Attempt.Status.OVERDUE: 1,
    Attempt.Status.IN_PROGRESS: 2,
    Attempt.Status.SUBMITTED: 3,
}


def percent(value) -> str:
    """Return a share (0 to 1) as a whole percent, as the tables show it."""
    return f"{round(value * 100)}%"


def minutes(seconds: int) -> int:
    """Return time spent in whole minutes (any started work counts as at least one)."""
    return max(1, round(seconds / 60)) if seconds else 0


def timestamp(moment) -> str:
    """Return a local time that reads the same in a table and a spreadsheet."""
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def result_rows(work: ClassWork) -> list[dict]:
    """Return one row per enrolled student, with plain values and sort keys."""
    rows = []
    for student_work in work.students:
        student, attempt, score = student_work.student, student_work.attempt, student_work.score
        voices = score.voices if score else None
        devices = score.devices if score else None
        row = {
            "student_pk": student.pk,
            "name": str(student),
            "review_url": reverse("attempt_review", args=[work.assignment.pk, student.pk]),
            "status": student_work.status,
            "seconds": attempt.seconds_spent if attempt else None,
            "voices": voices.score if voices else None,
            "kappa": voices.kappa if voices else None,
            "named_f1": devices.named.f1 if devices else None,
            "spotted_f1": devices.spotted.f1 if devices else None,
            "hits": devices.hits if devices else None,
            "false_alarms": len(devices.false_alarms) if devices else None,
            "submitted_at": attempt.submitted_at if attempt else None,
        }
        row["sort_name"] = (row["name"].casefold(), student.username)
        row["sort_status"] = _STATUS_RANK[row["status"]]
        for name in ("seconds", "voices", "kappa", "named_f1", "spotted_f1", "hits", "false_alarms"):
            row[f"sort_{name}"] = _UNSCORED if row[name] is None else row[name]
        row["sort_submitted_at"] = row["submitted_at"].timestamp() if row["submitted_at"] else _UNSCORED
        rows.append(row)
    return rows


def _number():
    """Return column attrs that right-align a numeric column."""
    return {"th": {"class": "number"}, "td": {"class": "number"}}


class ResultsTable(tables.Table):
    """One row per student: status, time, and every score the product defines."""

    name = tables.Column(verbose_name=_("Student"), order_by=("sort_name",))
    status = tables.Column(verbose_name=_("Status"), order_by=("sort_status", "sort_name"))
    seconds = tables.Column(
        verbose_name=_("Minutes"), order_by=("sort_seconds", "sort_name"), attrs=_number()
    )
    voices = tables.Column(verbose_name=_("Voices"), order_by=("sort_voices", "sort_name"), attrs=_number())
    kappa = tables.Column(verbose_name=_("Kappa"), order_by=("sort_kappa", "sort_name"), attrs=_number())
    named_f1 = tables.Column(
        verbose_name=_("Named F1"), order_by=("sort_named_f1", "sort_name"), attrs=_number()
    )
    spotted_f1 = tables.Column(
        verbose_name=_("Spotted F1"), order_by=("sort_spotted_f1", "sort_name"), attrs=_number()
    )
    hits = tables.Column(verbose_name=_("Hits"), order_by=("sort_hits", "sort_name"), attrs=_number())
    false_alarms = tables.Column(
        verbose_name=_("False alarms"), order_by=("sort_false_alarms", "sort_name"), attrs=_number()
    )
    submitted_at = tables.Column(verbose_name=_("Submitted"), order_by=("sort_submitted_at", "sort_name"))

    class Meta:
        template_name = TABLE_TEMPLATE
        order_by = ("name",)
        default = "—"
        empty_text = _("No students match these filters.")
        attrs = {"class": "results-table", "id": "results-table"}

    def __init__(self, data, *, key_items: int, **kwargs):
        super().__init__(data, **kwargs)
        self.columns["hits"].column.verbose_name = gettext("Hits (of %(n)d)") % {"n": key_items}
        self.caption = gettext("Results by student")
        # The template's htmx links swap this region and nothing else.
        self.region_id = "results-region"

    def render_name(self, value, record):
        return format_html(
            '<a href="{}" id="student-{}">{}</a>', record["review_url"], record["student_pk"], value
        )

    def value_name(self, value):
        return value

    def render_status(self, value):
        return format_html('<span class="badge status-{}">{}</span>', value, Attempt.Status(value).label)

    def value_status(self, value):
        return str(Attempt.Status(value).label)

    def render_seconds(self, value):
        return minutes(value)

    value_seconds = render_seconds

    def render_voices(self, value):
        return percent(value)

    value_voices = render_voices
    render_named_f1 = value_named_f1 = render_voices
    render_spotted_f1 = value_spotted_f1 = render_voices

    def render_kappa(self, value):
        return f"{value:.2f}"

    value_kappa = render_kappa

    def render_submitted_at(self, value):
        return format_html('<time datetime="{}">{}</time>', value.isoformat(), timestamp(value))

    def value_submitted_at(self, value):
        return timestamp(value)


# Found, partly, misnamed (missed stays blank): dark to light, so the bar reads in greyscale too.
_GLANCE_FILLS = (("found", "#1f6f3f"), ("partly", "#6fb58a"), ("misnamed", "#f0b429"))


def item_rows(items: list[ItemStats]) -> list[dict]:
    """Return one row per key item for the item-analysis table."""
    rows = []
    for item in items:
        top = item.misnamed_as[0] if item.misnamed_as else None
        rows.append(
            {
                "number": item.number,
                "technique": item.device.technique,
                "text": item.device.text,
                "found": item.share("found"),
                "partly": item.share("partly"),
                "misnamed": item.share("misnamed"),
                "misnamed_as": top[0].name if top else "",
                "misnamed_as_count": top[1] if top else 0,
                "missed": item.share("missed"),
                "counts": item.counts,
                "total": item.total,
                "sort_technique": item.device.technique.name.casefold(),
            }
        )
    return rows


class ItemTable(tables.Table):
    """How the class did on each key item; sortable, so a teacher can put the most missed first."""

    number = tables.Column(verbose_name=_("#"), attrs=_number())
    text = tables.Column(verbose_name=_("Key item"), orderable=False)
    technique = tables.Column(verbose_name=_("Technique"), order_by=("sort_technique", "number"))
    found = tables.Column(verbose_name=_("Found"), order_by=("found", "number"), attrs=_number())
    partly = tables.Column(verbose_name=_("Partly"), order_by=("partly", "number"), attrs=_number())
    misnamed = tables.Column(verbose_name=_("Misnamed"), order_by=("misnamed", "number"), attrs=_number())
    misnamed_as = tables.Column(verbose_name=_("Most often named as"), orderable=False)
    missed = tables.Column(verbose_name=_("Missed"), order_by=("missed", "number"), attrs=_number())
    glance = tables.Column(
        verbose_name=_("At a glance"), accessor="number", orderable=False, attrs={"td": {"class": "glance"}}
    )

    class Meta:
        template_name = TABLE_TEMPLATE
        order_by = ("number",)
        default = "—"
        empty_text = _("This lesson has no key devices.")
        attrs = {"class": "item-table", "id": "item-table"}

    def __init__(self, data, **kwargs):
        super().__init__(data, prefix="items-", **kwargs)
        self.caption = gettext("Key items")
        self.region_id = "analysis-region"

    def render_number(self, value):
        return format_html('<a href="#heat-item-{0}" id="item-{0}">{0}</a>', value)

    def render_text(self, value):
        return format_html("“{}”", value)

    def render_technique(self, value):
        return format_html('<span class="code-badge">{}</span> {}', value.code, value.name)

    def _share(self, record, status):
        count = record["counts"][status]
        return format_html(
            '{}<span class="cell-note"> ({})</span>',
            percent(record[status]) if record["total"] else "—",
            count,
        )

    def render_found(self, value, record):
        return self._share(record, "found")

    def render_partly(self, value, record):
        return self._share(record, "partly")

    def render_misnamed(self, value, record):
        return self._share(record, "misnamed")

    def render_missed(self, value, record):
        return self._share(record, "missed")

    def render_glance(self, record):
        """Return the shares as one stacked bar, aria-hidden: the numbers are in the cells beside it."""
        x, rects = 0.0, []
        for status, fill in _GLANCE_FILLS:
            width = 100 * record[status]
            rects.append((f"{x:.1f}", f"{width:.1f}", fill))
            x += width
        return format_html(
            '<svg class="share-bar glance-bar" viewBox="0 0 100 10" preserveAspectRatio="none" '
            'aria-hidden="true" focusable="false">{}</svg>',
            format_html_join("", '<rect x="{}" y="0" width="{}" height="10" fill="{}"/>', rects),
        )

    def value_glance(self, record):
        return ""

    def render_misnamed_as(self, value, record):
        return format_html('{}<span class="cell-note"> ({})</span>', value, record["misnamed_as_count"])
