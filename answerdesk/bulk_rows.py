"""Insert and update many rows with one executemany each: the ingest's write path.

Django's bulk_create and bulk_update compile every value through the expression machinery
(about 0.17 ms a row here, and bulk_update builds one CASE WHEN per field and row): three
quarters of the ingest's time. This module adapts values with one function per column and
sends plain parameter rows, on SQLite and PostgreSQL alike. Values can be adapted in one
process (a parser) and inserted by another (the writer).

Ids are allocated before the insert, so that rows can point at each other in one flush. The
caller must be inside a transaction holding the write lock (see mail/pipeline/runner.py): on
SQLite the id range is read from the table under that lock; on PostgreSQL ids come from the
table's own sequence, which is safe against any concurrent insert.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Mapping, Sequence
from functools import cache
from itertools import chain
from typing import Any, TypeVar

from django.db import connection, models

ValueAdapter = Callable[[Any], Any]
# Rows per INSERT on SQLite, within its limit on bound variables (32,766 since 3.32).
_SQLITE_ROWS = 200
_SQLITE_VARIABLES = 32_000


def _identity(value: Any) -> Any:
    return value


def _sqlite_utc(value: dt.datetime | None) -> str | None:
    """What Django's SQLite backend stores for an aware datetime: naive UTC, as text."""
    if value is None:
        return None
    return value.astimezone(dt.UTC).replace(tzinfo=None).isoformat(" ")


def _value_adapter(field: models.Field[Any, Any], vendor: str) -> ValueAdapter:
    if isinstance(field, models.DateTimeField):
        if vendor == "sqlite" and connection.timezone_name == "UTC":
            return _sqlite_utc
        return connection.ops.adapt_datetimefield_value
    if isinstance(field, models.JSONField):
        encoder = field.encoder
        # JSON text on both databases: SQLite stores it as is, and psycopg sends a str
        # untyped, so PostgreSQL casts it to jsonb. Being a plain str, it can also travel
        # between processes. Most list columns are empty (no Cc): skip the encoder then.
        return lambda value: "[]" if value == [] else json.dumps(value, cls=encoder)
    return _identity


@cache
def value_adapters(model: type[models.Model], vendor: str) -> dict[str, ValueAdapter]:
    """attname -> the function that turns a Python value into a query parameter."""
    return {f.attname: _value_adapter(f, vendor) for f in model._meta.concrete_fields}


def adapt_values(
    model: type[models.Model], values: Mapping[str, Any], columns: Sequence[str]
) -> tuple[Any, ...]:
    """The query parameters for `columns` (attnames) of one row; every column is required."""
    adapters = value_adapters(model, connection.vendor)
    return tuple(adapters[column](values[column]) for column in columns)


@cache
def _column_names(model: type[models.Model]) -> dict[str, str]:
    return {f.attname: f.column for f in model._meta.concrete_fields}


def allocate_ids(model: type[models.Model], count: int) -> list[int]:
    if count == 0:
        return []
    table = model._meta.db_table
    pk_column = model._meta.pk.column
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [table, pk_column, count],
            )
            return [row[0] for row in cursor.fetchall()]
        # AUTOINCREMENT never reuses an id, even of a deleted row: start past both the
        # largest id present and the largest ever handed out (sqlite_sequence).
        largest = f"SELECT MAX({quote(pk_column)}) FROM {quote(table)}"
        cursor.execute(
            f"SELECT MAX(COALESCE(({largest}), 0),"
            " COALESCE((SELECT seq FROM sqlite_sequence WHERE name = %s), 0))",
            [table],
        )
        start = int(cursor.fetchone()[0]) + 1
        return list(range(start, start + count))


def insert_values(
    model: type[models.Model], columns: Sequence[str], rows: Sequence[Sequence[Any]]
) -> None:
    """INSERT rows of query parameters; `columns` are attnames, the pk's included."""
    if not rows:
        return
    quote = connection.ops.quote_name
    column_of = _column_names(model)
    names = [quote(column_of[attname]) for attname in columns]
    head = f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(names)}) VALUES "
    row_marks = f"({', '.join(['%s'] * len(columns))})"
    with connection.cursor() as cursor:
        if connection.vendor != "sqlite":
            # psycopg pipelines executemany: one round trip for the lot.
            cursor.executemany(head + row_marks, rows)
            return
        # SQLite runs executemany as one statement per row, and the full-text index's
        # triggers (answerdesk.desk.search) flush their pending entries at the end of each
        # statement: a few hundred rows per statement cost a fraction of that.
        per = max(1, min(_SQLITE_ROWS, _SQLITE_VARIABLES // len(columns)))
        for start in range(0, len(rows), per):
            chunk = rows[start : start + per]
            cursor.execute(head + ", ".join([row_marks] * len(chunk)), list(chain(*chunk)))


_M = TypeVar("_M", bound=models.Model)


@cache
def _init_fields(model: type[models.Model]) -> tuple[models.Field[Any, Any], ...]:
    # Model.__init__ takes positional values in concrete_fields order.
    return tuple(model._meta.concrete_fields)


def build(model: type[_M], **values: Any) -> _M:
    """The same instance as model(**values), built through Django's positional path.

    Keyword construction runs each field through the keyword machinery (25 to 30 µs for a
    Message here, against 10 µs positionally): a third of the writer's time in an import,
    where each message makes a ticket, an event, a contact and an address. Relations may
    be given as objects (ticket=...) or ids (ticket_id=...), as with the keyword form.
    """
    args: list[Any] = []
    related: list[tuple[str, Any]] = []
    for field in _init_fields(model):
        if field.attname in values:
            args.append(values[field.attname])
        elif field.name in values:
            obj = values[field.name]
            related.append((field.name, obj))
            args.append(obj.pk if obj is not None else None)
        else:
            args.append(field.get_default())
    instance = model(*args)
    for name, obj in related:
        setattr(instance, name, obj)
    return instance


def _attribute(obj: models.Model, field: models.Field[Any, Any]) -> Any:
    value = getattr(obj, field.attname)
    if value is None and field.is_relation:
        # Assigned as an object that had no id yet: it has one now (saved earlier in the
        # same flush), as Django's own bulk_create would resolve it.
        related = field.get_cached_value(obj, None)  # type: ignore[attr-defined]
        if related is not None:
            value = related.pk
            setattr(obj, field.attname, value)
    return value


def insert_rows(objs: Sequence[models.Model]) -> None:
    """INSERT unsaved instances of one model, giving each its id."""
    if not objs:
        return
    model = type(objs[0])
    for obj, pk in zip(objs, allocate_ids(model, len(objs)), strict=True):
        obj.pk = pk
        obj._state.adding = False
        obj._state.db = connection.alias
    fields = list(model._meta.concrete_fields)
    adapters = value_adapters(model, connection.vendor)
    rows = [[adapters[f.attname](_attribute(obj, f)) for f in fields] for obj in objs]
    insert_values(model, [f.attname for f in fields], rows)


def update_rows(objs: Sequence[models.Model], field_names: Sequence[str]) -> None:
    """UPDATE the named fields of saved instances of one model."""
    if not objs:
        return
    model = type(objs[0])
    fields = [f for f in model._meta.concrete_fields if f.name in field_names]
    adapters = value_adapters(model, connection.vendor)
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(f.column)} = %s" for f in fields)
    sql = (
        f"UPDATE {quote(model._meta.db_table)} SET {assignments} "
        f"WHERE {quote(model._meta.pk.column)} = %s"
    )
    rows = [[*(adapters[f.attname](_attribute(obj, f)) for f in fields), obj.pk] for obj in objs]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)
