"""
The teacher's tables (django-tables2) built on scored work: the item analysis, and how
both it and the results table (teaching/results_table.py) write shares, times and minutes.
"""

import django_tables2 as tables
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from teaching.analysis import ItemStats

TABLE_TEMPLATE = "teaching/_table.html"


def percent(value) -> str:
    """Return a share (0 to 1) as a whole percent, as the tables show it."""
    return f"{round(value * 100)}%"


def minutes(seconds: int) -> int:
    """Return time spent in whole minutes (any started work counts as at least one)."""
    return max(1, round(seconds / 60)) if seconds else 0


def timestamp(moment) -> str:
    """Return a local time that reads the same in a table and a spreadsheet."""
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def numeric():
    """Return column attrs that right-align a numeric column."""
    return {"th": {"class": "number"}, "td": {"class": "number"}}


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

    number = tables.Column(verbose_name=_("#"), attrs=numeric())
    text = tables.Column(verbose_name=_("Key item"), orderable=False)
    technique = tables.Column(verbose_name=_("Technique"), order_by=("sort_technique", "number"))
    found = tables.Column(verbose_name=_("Found"), order_by=("found", "number"), attrs=numeric())
    partly = tables.Column(verbose_name=_("Partly"), order_by=("partly", "number"), attrs=numeric())
    misnamed = tables.Column(verbose_name=_("Misnamed"), order_by=("misnamed", "number"), attrs=numeric())
    misnamed_as = tables.Column(verbose_name=_("Most often named as"), orderable=False)
    missed = tables.Column(verbose_name=_("Missed"), order_by=("missed", "number"), attrs=numeric())
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
