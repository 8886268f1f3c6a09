"""
The results table (django-tables2), built on rows computed from scored work.

Scores are computed in Python, so the table holds a list, which django-tables2 pages
and sorts with the table's own sort keys, and ``as_values`` gives the CSV exactly what
the page shows.
"""

from functools import partial
from html import escape
from operator import attrgetter

import django_tables2 as tables
from django.template.loader import render_to_string
from django.urls import get_script_prefix, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _
from django_tables2.data import TableListData
from django_tables2.templatetags.django_tables2 import table_page_range
from django_tables2.utils import AttributeDict, OrderBy

from teaching.classwork import StudentResult
from teaching.lesson_cache import RenderedOnce
from teaching.models import Attempt
from teaching.tables import minutes, numeric, percent, timestamp

PER_PAGE = 25

# The results table's markup around its rows, and its rows' cells, by everything they are
# written from (ResultsTable.html, ResultsTable.body_rows): a teacher's refreshes ask for the
# same ones again and again. A frame is a few KiB, a row's cells under 1 KiB.
_FRAMES = RenderedOnce(max_entries=512)
_ROWS = RenderedOnce(max_entries=4096)
# Where the rows go in a frame: a comment, which no escaped text can contain.
_ROWS_SLOT = "<!--lens-rows-->"

# Unscored rows sort below every score, so "best first" puts them last.
_UNSCORED = -2.0
_STATUS_RANK = {
    Attempt.Status.NOT_STARTED: 0,
    Attempt.Status.OVERDUE: 1,
    Attempt.Status.IN_PROGRESS: 2,
    Attempt.Status.SUBMITTED: 3,
}


def _name_key(row: StudentResult):
    return (row.name.casefold(), row.username)


def _status_key(row: StudentResult):
    return (_STATUS_RANK[row.status], row.name.casefold(), row.username)


def _unscored_last(field: str):
    """Return a sort key on ``field``, then the name; a row without a value sorts below every value."""
    value_of = attrgetter(field)

    def key(row: StudentResult):
        value = value_of(row)
        return (_UNSCORED if value is None else value, row.name.casefold(), row.username)

    return key


def _submitted_key(row: StudentResult):
    moment = row.submitted_at
    return (_UNSCORED if moment is None else moment.timestamp(), row.name.casefold(), row.username)


# How each column sorts: ties (and unscored rows) in name order, so an order is always total.
_SORT_KEYS = {
    "name": _name_key,
    "status": _status_key,
    **{
        field: _unscored_last(field)
        for field in ("seconds", "voices", "kappa", "named_f1", "spotted_f1", "hits", "false_alarms")
    },
    "submitted_at": _submitted_key,
}


class ResultsData(TableListData):
    """The results lines, sorted by the keys above (django-tables2 would resolve an accessor per row)."""

    def order_by(self, aliases):
        # Stable sorts from the least significant column to the most: each key ends in the
        # name, which is unique, so the result is the same as one sort on all of them.
        for alias in reversed(aliases):
            order = OrderBy(alias)
            self.data.sort(key=_SORT_KEYS[order.bare], reverse=order.is_descending)


class _Column(tables.Column):
    """
    A results column, copied cheaply.

    django-tables2 deep-copies a table's columns for every table it makes, so that one
    table's changes do not reach the next: three quarters of making the results table.
    Its columns are only ever given new attributes (a header, a default accessor), never
    changed inside, so a shallow copy keeps tables apart as well.
    """

    def __deepcopy__(self, memo):
        clone = object.__new__(type(self))
        clone.__dict__.update(self.__dict__)
        return clone


class _Columns(dict):
    """A table class's columns, by name: deep-copied one column at a time (see _Column)."""

    def __deepcopy__(self, memo):
        return _Columns((name, column.__deepcopy__(memo)) for name, column in self.items())


class ResultsTable(tables.Table):
    """
    One line per student: status, time, and every score the product defines.

    django-tables2 declares the columns, reads the sort and page from the request and
    pages the lines; the table writes its own header, rows and page links, and the CSV's
    values. Through django-tables2's templates and bound rows, the 250 cells of a page
    and the links around them cost several times the rest of a page that every teacher's
    browser asks for again every 5 s during a lesson. What it writes for the page is kept
    in each process for what it shows (``html``, ``body_rows``): from one refresh to the
    next, little of it changes.
    """

    name = _Column(verbose_name=_("Student"))
    status = _Column(verbose_name=_("Status"))
    seconds = _Column(verbose_name=_("Minutes"), attrs=numeric())
    voices = _Column(verbose_name=_("Voices"), attrs=numeric())
    kappa = _Column(verbose_name=_("Kappa"), attrs=numeric())
    named_f1 = _Column(verbose_name=_("Named F1"), attrs=numeric())
    spotted_f1 = _Column(verbose_name=_("Spotted F1"), attrs=numeric())
    hits = _Column(verbose_name=_("Hits"), attrs=numeric())
    false_alarms = _Column(verbose_name=_("False alarms"), attrs=numeric())
    submitted_at = _Column(verbose_name=_("Submitted"))

    class Meta:
        template_name = "teaching/_results_table.html"
        order_by = ("name",)
        default = "—"
        empty_text = _("No students match these filters.")
        attrs = {"class": "results-table", "id": "results-table"}

    def __init__(self, data: list[StudentResult], *, assignment, key_items: int, **kwargs):
        super().__init__(ResultsData(list(data)), **kwargs)
        self.key_items = key_items
        self.columns["hits"].column.verbose_name = gettext("Hits (of %(n)d)") % {"n": key_items}
        self.caption = gettext("Results by student")
        # The template's htmx links swap this region and nothing else.
        self.region_id = "results-region"
        self.assignment_pk = assignment.pk

    @cached_property
    def _review_url(self) -> tuple[str, str]:
        """Return the review page's URL around the student's id (reversed once, not once a row)."""
        return reverse("attempt_review", args=[self.assignment_pk, 0]).rpartition("0")[::2]

    # Cells. The table formats its own: django-tables2 would take each of a page's 250
    # cells through an accessor, a signature inspection, format_html and conditional_escape,
    # whose checks for lazy strings alone cost more than the rest of the table (measured).
    # A value of None shows as the column's default ("—") on the page, empty in the CSV.

    def _texts(self) -> dict:
        """Return, per column, the function that gives a value's text, as the CSV has it."""
        labels = {value: str(label) for value, label in Attempt.Status.choices}
        return {
            "name": str,
            "status": labels.__getitem__,
            "seconds": minutes,
            "voices": percent,
            "kappa": "{:.2f}".format,
            "named_f1": percent,
            "spotted_f1": percent,
            "hits": int,
            "false_alarms": int,
            "submitted_at": timestamp,
        }

    def _cell_html(self) -> dict:
        """Return, per column, the function that gives a cell's HTML from its value and row (escaped)."""
        html = {
            name: (_written if name in _NUMBERS else _escaped)(text) for name, text in self._texts().items()
        }
        before, after = (escape(part) for part in self._review_url)
        badges = {
            value: f'<span class="badge status-{value}">{escape(str(label))}</span>'
            for value, label in Attempt.Status.choices
        }
        html["name"] = lambda name, row: (
            f'<a href="{before}{row.student_pk}{after}" id="student-{row.student_pk}">{escape(name)}</a>'
        )
        html["status"] = lambda status, row: badges[status]
        html["submitted_at"] = lambda moment, row: (
            f'<time datetime="{moment.isoformat()}">{escape(timestamp(moment))}</time>'
        )
        return html

    def html(self) -> str:
        """
        Return the table: its template (``template_name``) around the rows of the page shown.

        Around the rows, the markup, header and page links are the same from one refresh of
        a class's table to the next. They are rendered once per process for everything they
        are written from (the key), with a slot where the rows go.
        """
        rows = self.body_rows()
        page = getattr(self, "page", None)
        page_field = self.prefixed_page_field
        query = tuple(
            (name, tuple(values)) for name, values in self.request.GET.lists() if name != page_field
        )
        # Columns, attributes and texts are the class's, but the header of hits and the language.
        key = (
            (get_language(), self.template_name, self.prefix, self.region_id, self.key_items),
            (query, tuple(self.order_by), page and (page.number, self.paginator.num_pages)),
            bool(rows),
        )
        before, after = _FRAMES.get(key, partial(self._frame, with_rows=bool(rows)))
        return _html(f"{before}{rows}{after}")

    def _frame(self, *, with_rows: bool) -> tuple[str, str]:
        """Return the table's template rendered, cut where the rows go."""
        rows = _html(_ROWS_SLOT) if with_rows else ""
        before, _, after = render_to_string(self.template_name, {"table": self, "rows": rows}).partition(
            _ROWS_SLOT
        )
        return before, after

    def body_rows(self) -> str:
        """
        Return the rows of the page shown (none: ""), each a row header and a cell per column.

        A row's cells are written once per process for its values: from one refresh of a
        class's table to the next, most students' lines are the same.
        """
        # What a line's cells are written from besides its values: labels, local time, URLs.
        written_with = (
            get_language(),
            timezone.get_current_timezone_name(),
            get_script_prefix(),
            self.assignment_pk,
        )
        rows = [
            f'<tr class="{"odd" if number % 2 else "even"}">'
            f"{_ROWS.get((written_with, row), partial(self._cells, row))}</tr>"
            for number, row in enumerate(self.paginated_rows.data)
        ]
        return _html("\n".join(rows))

    def _cells(self, row: StudentResult) -> str:
        """Return a line's row header and cells."""
        return "".join(
            [
                empty if (value := row[field]) is None else f"{opening}{cell(value, row)}{closing}"
                for field, opening, closing, cell, empty in self._cell_writers
            ]
        )

    @cached_property
    def _cell_writers(self) -> list[tuple]:
        """Return, per column: its field in a line, its cell's tags, what writes a value, its empty cell."""
        html = self._cell_html()
        columns = []
        for index, column in enumerate(self.columns):
            attrs = _class_attr(_classes(column, "td"))
            opening, closing = (
                (f'<th scope="row" {attrs}>', "</th>") if index == 0 else (f"<td {attrs}>", "</td>")
            )
            field = StudentResult._fields.index(column.name)
            empty = f"{opening}{escape(str(column.default))}{closing}"
            columns.append((field, opening, closing, html[column.name], empty))
        return columns

    def attrs_html(self) -> str:
        """Return the table tag's attributes, as AttributeDict.as_html would (without format_html)."""
        attrs = ((name, value) for name, value in self.attrs.items() if name not in AttributeDict.blacklist)
        return _html(" ".join(f'{name}="{escape(str(value))}"' for name, value in attrs if value is not None))

    def as_values(self, exclude_columns=()):
        """Return the header, then each row's values (every page, in order), as the CSV has them."""
        texts = self._texts()
        columns = [
            (column.name, column.header, texts[column.name])
            for column in self.columns.iterall()
            if not (column.column.exclude_from_export or column.name in exclude_columns)
        ]
        yield [str(header) for _, header, _ in columns]
        for row in self.data:
            yield [
                None if (value := getattr(row, name)) is None else text(value) for name, _, text in columns
            ]

    # Links. The query strings of the sort and page links are built here from the request
    # once, rather than by a template tag per link.

    def _query(self, **changes) -> str:
        """Return the request's query string with ``changes`` made (a value of None removes the key)."""
        params = dict(self.request.GET.lists())
        for key, value in changes.items():
            if value is None:
                params.pop(key, None)
            else:
                params[key] = [value]
        return "?" + urlencode(params, doseq=True)

    def header_row(self) -> str:
        """Return the header row: each column's label in a link that sorts by it, and its sort state."""
        region, prefix = escape(self.region_id), escape(self.prefix)
        sort_field, page_field = self.prefixed_order_by_field, self.prefixed_page_field
        cells = []
        for column in self.columns:
            alias = column.order_by_alias
            # The classes django-tables2 gives a header: the column's own, orderable, asc or desc.
            classes = _classes(column, "th")
            state = arrow = ""
            if column.is_ordered:
                classes.add("desc" if alias.is_descending else "asc")
                state = f' aria-sort="{"descending" if alias.is_descending else "ascending"}"'
                arrow = "▼" if alias.is_descending else "▲"
            content = label = escape(str(column.header))
            if column.orderable:
                classes.add("orderable")
                url = escape(self._query(**{sort_field: alias.next, page_field: None}))
                content = (
                    f'<a href="{url}" id="{prefix}sort-{escape(column.name)}" class="sort-link" '
                    f'hx-get="{url}" hx-target="#{region}" hx-swap="outerHTML show:none" '
                    f'hx-push-url="true" hx-sync="#{region}:replace">{label}'
                    f'<span class="sort-arrow" aria-hidden="true">{arrow or "⇅"}</span></a>'
                )
            cells.append(f'<th scope="col" {_class_attr(classes)}{state}>{content}</th>')
        return _html(f"<tr>{''.join(cells)}</tr>")

    def page_items(self) -> str:
        """Return the pagination's items: previous, the page numbers around this one, next ("": one page)."""
        page = getattr(self, "page", None)
        if page is None or self.paginator.num_pages < 2:
            return ""
        prefix, region = escape(self.prefix), escape(self.region_id)

        def item(number, name, label, *, rel="", current=False):
            url = escape(self._query(**{self.prefixed_page_field: str(number)}))
            if current:
                attrs = ' aria-current="page" class="current-page"'
            else:
                attrs = (
                    f'{rel} hx-get="{url}" hx-target="#{region}" hx-swap="outerHTML" hx-push-url="true" '
                    f'hx-sync="#{region}:replace"'
                )
            return f'<li><a href="{url}" id="{prefix}page-{name}"{attrs}>{label}</a></li>'

        page_word = escape(gettext("Page"))
        items = []
        if page.has_previous():
            label = f'<span aria-hidden="true">‹</span> {escape(gettext("Previous"))}'
            items.append(item(page.previous_page_number(), "previous", label, rel=' rel="prev"'))
        for number in table_page_range(page, self.paginator):
            if number == "...":
                items.append('<li><span class="page-gap">…</span></li>')
            else:
                label = f'<span class="visually-hidden">{page_word} </span>{number}'
                items.append(item(number, number, label, current=number == page.number))
        if page.has_next():
            label = f'{escape(gettext("Next"))} <span aria-hidden="true">›</span>'
            items.append(item(page.next_page_number(), "next", label, rel=' rel="next"'))
        return _html("\n".join(items))


# django-tables2 declared them in a dict that it deep-copies through the copy module's
# general machinery for every table: as long as copying the columns themselves.
ResultsTable.base_columns = _Columns(ResultsTable.base_columns)


def _classes(column, cell: str) -> set[str]:
    """Return the classes a column's attrs give its ``cell`` ("th" or "td"); no other attrs are used."""
    return set(column.column.attrs.get(cell, {}).get("class", "").split())


def _class_attr(classes: set[str]) -> str:
    """Return a class attribute (sorted, as django-tables2 writes it), or nothing."""
    return f'class="{escape(" ".join(sorted(classes)))}"' if classes else ""


def _html(markup: str) -> str:
    """Return ``markup`` marked safe: HTML written in this module, every value in it escaped."""
    # The one place this module marks HTML safe; its callers escape every value they put in.
    return mark_safe(markup)  # noqa: S308  # nosec B308 B703


# The columns whose text is a number: digits, a sign, a point and "%", nothing to escape.
_NUMBERS = frozenset(("seconds", "voices", "kappa", "named_f1", "spotted_f1", "hits", "false_alarms"))


def _escaped(text):
    """Return a function that gives a cell's HTML: its value as escaped ``text``."""
    return lambda value, row: escape(str(text(value)))


def _written(text):
    """Return a function that gives a number's cell HTML: its ``text``, which needs no escaping."""
    return lambda value, row: str(text(value))
