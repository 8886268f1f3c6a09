"""
A student's marks, read and written with plain SQL on the activity's hot path.

Every view of the devices page and every save reads the student's marks, and every new
mark is one INSERT. Through the ORM each of those queries costs about 0.5 ms of Python
to build, against some 0.05 ms to run (measured on the benchmark's machine), which
was a third of a save. The SQL here is portable (SQLite 3.37+ and PostgreSQL 15+, the
versions Django 6.1 supports): names come from the model's metadata and are quoted by
the backend, values go in as parameters, prepared by the model's own fields.
"""

import datetime
import uuid
from collections.abc import Mapping
from functools import cache
from typing import NamedTuple

from django.db import connection

from teaching.models import Mark, Technique


class PlacedMark(NamedTuple):
    """A mark as the activity shows it: where it is and what it is called."""

    pk: int
    client_id: str  # The UUID as text, the way the page writes it (str(uuid)).
    start: int
    end: int
    technique: Technique


@cache
def _statements() -> tuple[str, str]:
    """Return the SELECT and the INSERT; only names from the model's metadata, quoted, go into them."""
    quote = connection.ops.quote_name
    table = quote(Mark._meta.db_table)
    column = {name: quote(Mark._meta.get_field(name).column) for name in _COLUMNS}
    pk = quote(Mark._meta.pk.column)
    selected = ", ".join([pk, column["client_id"], column["start"], column["end"], column["technique"]])
    # The model's ordering (attempt, start, end), with the pk to settle ties the same way each time.
    order = ", ".join([column["start"], column["end"], pk])
    where = f"{column['attempt']} = %s"
    select = f"SELECT {selected} FROM {table} WHERE {where} ORDER BY {order}"  # noqa: S608  # nosec B608
    # The only unique constraint besides the pk is (attempt, client_id): a replay of a save
    # that lost the race to store it inserts nothing, and no error aborts the transaction.
    names, values = ", ".join(column[name] for name in _COLUMNS), ", ".join(["%s"] * len(_COLUMNS))
    insert = f"INSERT INTO {table} ({names}) VALUES ({values}) ON CONFLICT DO NOTHING RETURNING {pk}"  # noqa: S608  # nosec B608
    return select, insert


_COLUMNS = ("attempt", "technique", "start", "end", "client_id", "created_at")


def _uuid_text(value) -> str:
    """Return a stored client id as str(uuid) would: SQLite keeps 32 hex digits, PostgreSQL a uuid."""
    if isinstance(value, str) and len(value) == 32:
        # Parsing thousands of these into UUIDs, only to print them again, was most of the read.
        return f"{value[:8]}-{value[8:12]}-{value[12:16]}-{value[16:20]}-{value[20:]}"
    return str(value)


def student_marks(attempt_pk: int, techniques: Mapping[int, Technique]) -> list[PlacedMark]:
    """Return the attempt's marks in text order; ``techniques`` maps pks to the taxonomy."""
    with connection.cursor() as cursor:
        cursor.execute(_statements()[0], [attempt_pk])
        rows = cursor.fetchall()
    return [
        PlacedMark(pk, _uuid_text(client_id), start, end, _technique(techniques, technique_pk))
        for pk, client_id, start, end, technique_pk in rows
    ]


def _technique(techniques: Mapping[int, Technique], pk: int) -> Technique:
    # A technique added after ``techniques`` was read (a request that began just before) is looked up.
    technique = techniques.get(pk)
    return technique if technique is not None else Technique.objects.get(pk=pk)


def insert_mark(
    *,
    attempt_pk: int,
    technique_pk: int,
    start: int,
    end: int,
    client_id: uuid.UUID,
    created_at: datetime.datetime,
) -> int | None:
    """Store a mark; return its pk, or None if the attempt already has a mark with this client_id."""
    values = {
        "attempt": attempt_pk,
        "technique": technique_pk,
        "start": start,
        "end": end,
        "client_id": client_id,
        "created_at": created_at,
    }
    params = [Mark._meta.get_field(name).get_db_prep_save(values[name], connection) for name in _COLUMNS]
    with connection.cursor() as cursor:
        cursor.execute(_statements()[1], params)
        row = cursor.fetchone()
    return row[0] if row else None
