"""Full-text search over tickets: every message's subject, own text and sender.

One entry point, search_tickets(), whatever the database. The index lives in the database
and is kept current by the database itself (the mail pipeline writes rows with plain
multi-row INSERTs, so Django signals would miss them):

- SQLite: an FTS5 table, desk_message_search, whose external content is a view over
  tickets_message; triggers on tickets_message keep it in step. Accents fold
  ("remove_diacritics 2"); ranked by bm25.
- PostgreSQL: a GIN index on a to_tsvector('simple', ...) expression over tickets_message;
  accents fold through the unaccent extension when the migration could create it. Ranked by
  ts_rank.

A user's words never reach either query language as syntax: on SQLite each word is a quoted
FTS5 string, on PostgreSQL the text goes through plainto_tsquery. See docs/search.md.

The DDL is here, next to the queries that must match it, and migration desk 0003 runs it.
Changing it needs a new migration that uninstalls and reinstalls the index.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.db import connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import (
    BooleanField,
    Case,
    F,
    FloatField,
    Func,
    IntegerField,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.expressions import OrderBy, RawSQL
from django.db.models.sql.compiler import SQLCompiler

from answerdesk.tickets.models import Message, Ticket

# Words beyond these are ignored: nobody types them, and each one costs a lookup.
MAX_WORDS = 16
MAX_QUERY_CHARS = 1000
# A prefix shorter than this would expand to a good part of the vocabulary.
MIN_PREFIX_CHARS = 3

# --- the index (DDL) -----------------------------------------------------------------------

_COLUMNS = ("subject", "new_text", "text", "from_email", "from_name")

# What a message contributes: its subject, its own new text (the whole text when the parser
# found nothing quoted), and who wrote it. {subject} etc. stand for the columns, qualified
# or not.
_SQLITE_BODY = "CASE WHEN {new_text} <> '' THEN {new_text} ELSE {text} END"
_SQLITE_SENDER = "{from_email} || ' ' || {from_name}"


def _sqlite_row(row: str) -> str:
    names = {c: f"{row}.{c}" for c in _COLUMNS}
    body, sender = _SQLITE_BODY.format(**names), _SQLITE_SENDER.format(**names)
    return f"{row}.id, {row}.subject, {body}, {sender}"


_SQLITE_ADD = (
    f"INSERT INTO desk_message_search(rowid, subject, body, sender) VALUES ({_sqlite_row('new')});"
)
# External content: FTS5 can only remove a row given the very values it indexed, which the
# trigger has in OLD.
_SQLITE_REMOVE = (
    "INSERT INTO desk_message_search(desk_message_search, rowid, subject, body, sender)"
    f" VALUES ('delete', {_sqlite_row('old')});"
)
SQLITE_TRIGGERS = {
    "desk_message_search_insert": f"AFTER INSERT ON tickets_message BEGIN {_SQLITE_ADD} END",
    "desk_message_search_delete": f"AFTER DELETE ON tickets_message BEGIN {_SQLITE_REMOVE} END",
    # Only when an indexed column changes: other columns (language, kind, flags) change far
    # more often.
    "desk_message_search_update": "AFTER UPDATE OF subject, text, new_text, from_email,"
    f" from_name ON tickets_message BEGIN {_SQLITE_REMOVE} {_SQLITE_ADD} END",
}
_SQLITE_COLUMNS = {c: f"m.{c}" for c in _COLUMNS}
_SQLITE_CREATE = (
    # The external content: snippet() reads the text back through it.
    "CREATE VIEW IF NOT EXISTS desk_message_search_source AS SELECT m.id AS id,"
    f" m.subject AS subject, {_SQLITE_BODY.format(**_SQLITE_COLUMNS)} AS body,"
    f" {_SQLITE_SENDER.format(**_SQLITE_COLUMNS)} AS sender FROM tickets_message m",
    # remove_diacritics 2: "reçu" and "recu" are one token, in French as in any Latin script.
    # prefix='3': the last word is matched as a prefix, from three letters on.
    "CREATE VIRTUAL TABLE IF NOT EXISTS desk_message_search USING fts5("
    "subject, body, sender, content='desk_message_search_source', content_rowid='id',"
    " tokenize='unicode61 remove_diacritics 2', prefix='3')",
)

# unaccent() is only STABLE (it finds its dictionary by name), so no index may use it: the
# wrapper names the dictionary with its schema and is declared IMMUTABLE, the usual way.
# Without the extension (a database user who may not create one) the wrapper returns its
# argument, and accents must match.
_PG_UNACCENT = (
    "CREATE OR REPLACE FUNCTION answerdesk_unaccent(text) RETURNS text"
    " LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT"
    " AS $$ SELECT public.unaccent('public.unaccent'::regdictionary, $1) $$"
)
_PG_NO_UNACCENT = (
    "CREATE OR REPLACE FUNCTION answerdesk_unaccent(text) RETURNS text"
    " LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$ SELECT $1 $$"
)
# The 'simple' configuration: lower-cased words, no stemming and no stop words, the same
# for French and English. Subject weighted A, sender B, text D (for ts_rank). The text is
# cut at 100,000 characters: a tsvector may not exceed 1 MB, and an insert must not fail.
# Queries must spell the same expression, or PostgreSQL will not use the index.
_PG_DOCUMENT = (
    "(setweight(to_tsvector('simple'::regconfig, answerdesk_unaccent({subject})), 'A')"
    " || setweight(to_tsvector('simple'::regconfig,"
    " answerdesk_unaccent({from_email} || ' ' || {from_name})), 'B')"
    " || to_tsvector('simple'::regconfig, answerdesk_unaccent(left("
    "CASE WHEN {new_text} <> '' THEN {new_text} ELSE {text} END, 100000))))"
)
_PG_INDEX = "desk_message_search"


def install_index(connection: BaseDatabaseWrapper) -> None:
    """Create the index and fill it from the messages already stored (idempotent).

    Run by migration desk 0003. On SQLite, a later migration that makes Django remake
    tickets_message (most AlterField operations) drops the triggers with the old table: it
    must call this again afterwards.
    """
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for sql in _SQLITE_CREATE:
                cursor.execute(sql)
            for name in SQLITE_TRIGGERS:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
            cursor.execute(
                "INSERT INTO desk_message_search(desk_message_search) VALUES ('rebuild')"
            )
            for name, sql in SQLITE_TRIGGERS.items():
                cursor.execute(f"CREATE TRIGGER {name} {sql}")
        elif connection.vendor == "postgresql":
            try:
                with transaction.atomic(using=connection.alias):
                    cursor.execute("CREATE EXTENSION IF NOT EXISTS unaccent WITH SCHEMA public")
                    cursor.execute(_PG_UNACCENT)
            except Exception:  # not allowed to: search without accent folding
                cursor.execute(_PG_NO_UNACCENT)
            document = _PG_DOCUMENT.format(**{c: c for c in _COLUMNS})
            cursor.execute(
                f"CREATE INDEX IF NOT EXISTS {_PG_INDEX} ON tickets_message USING gin ({document})"
            )


def uninstall_index(connection: BaseDatabaseWrapper) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for name in SQLITE_TRIGGERS:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
            cursor.execute("DROP TABLE IF EXISTS desk_message_search")
            cursor.execute("DROP VIEW IF EXISTS desk_message_search_source")
        elif connection.vendor == "postgresql":
            cursor.execute(f"DROP INDEX IF EXISTS {_PG_INDEX}")
            cursor.execute("DROP FUNCTION IF EXISTS answerdesk_unaccent(text)")


# --- reading the query ---------------------------------------------------------------------

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def _reference(text: str) -> int | None:
    """The ticket id in "AD-000123", "#123" or "123"."""
    prefix = re.escape(settings.ANSWERDESK_TICKET_PREFIX)
    found = re.fullmatch(rf"(?:#|{prefix}-?)?0*(\d{{1,18}})", text, re.IGNORECASE | re.ASCII)
    return int(found.group(1)) if found else None


def words(query: str) -> list[str]:
    """The words of a query, as typed (punctuation kept inside a word), at most MAX_WORDS.

    A "word" with no letter or digit (an emoji, a lone quote or star) is dropped: it could
    only match nothing. Control characters and lone surrogates are dropped too.
    """
    text = query.encode("utf-8", "ignore").decode("utf-8")[:MAX_QUERY_CHARS]
    text = unicodedata.normalize("NFC", text)
    found = []
    for chunk in text.split():
        word = "".join(c for c in chunk if c.isprintable())
        if any(c.isalnum() for c in word):
            found.append(word)
    return found[:MAX_WORDS]


def _prefix_word(query: str, found: list[str]) -> str | None:
    """The last word, if it is to match as a prefix: plain letters and digits, typed last."""
    if not found or query[-1:].isspace():
        return None
    last = found[-1]
    return last if len(last) >= MIN_PREFIX_CHARS and last.isalnum() else None


def fts5_query(query: str) -> str:
    """An FTS5 MATCH expression: every word quoted (so FTS5 reads no operator, column filter
    or NEAR in it), all required, the last one as a prefix."""
    found = words(query)
    quoted = ['"' + w.replace('"', '""') + '"' for w in found]
    if quoted and _prefix_word(query, found):
        quoted[-1] += " *"
    return " ".join(quoted)


# --- the queries ---------------------------------------------------------------------------


class _SQL(Func):
    """SQL written out, around compiled columns ({name} placeholders), so that the columns
    carry whatever alias the query gives their table (a subquery's U0, say)."""

    def __init__(self, sql: str, params: Sequence[Any], output_field: Any, **columns: Any):
        self.names = list(columns)
        super().__init__(*columns.values(), output_field=output_field)
        self.sql = sql
        self.params = list(params)

    def as_sql(
        self,
        compiler: SQLCompiler,
        connection: BaseDatabaseWrapper,
        function: str | None = None,
        template: str | None = None,
        arg_joiner: str | None = None,
        **extra_context: Any,
    ) -> tuple[str, list[Any]]:
        compiled = {}
        for name, expression in zip(self.names, self.get_source_expressions(), strict=True):
            sql, params = compiler.compile(expression)
            if params:  # columns have none; the params' order would be wrong otherwise
                raise ValueError(f"{name} is not a column")
            compiled[name] = sql
        return self.sql.format(**compiled), self.params


# The best-ranked message of each ticket, computed once per query: SQLite materialises this
# uncorrelated FROM subquery once and indexes it for the lookup by ticket id. bm25() works
# only while the FTS cursor is on its row, so it is computed in an inner subquery that
# "LIMIT -1" keeps SQLite from flattening into the GROUP BY ("unable to use function bm25
# in the requested context" otherwise).
_SQLITE_RANKS = (
    "SELECT m.ticket_id AS ticket_id, -MIN(f.rank) AS rank FROM ("
    "SELECT rowid AS id, bm25(desk_message_search, 3.0, 1.0, 2.0) AS rank"
    " FROM desk_message_search WHERE desk_message_search MATCH %s LIMIT -1) f"
    " JOIN tickets_message m ON m.id = f.id GROUP BY m.ticket_id"
)
_SQLITE_MATCHING = (
    "SELECT m.ticket_id FROM desk_message_search"
    " JOIN tickets_message m ON m.id = desk_message_search.rowid"
    " WHERE desk_message_search MATCH %s"
)


def _sqlite_text(query: str) -> tuple[Q, Func] | None:
    match = fts5_query(query)
    if not match:
        return None
    rank = _SQL(
        f"(SELECT r.rank FROM ({_SQLITE_RANKS}) r WHERE r.ticket_id = {{pk}})",
        [match],
        FloatField(),
        pk=F("pk"),
    )
    return Q(pk__in=RawSQL(_SQLITE_MATCHING, [match])), rank


def _pg_tsquery(query: str) -> tuple[str, list[str]] | None:
    """A tsquery: plainto_tsquery of the words (it reads no operator), AND the last word
    as a prefix, which to_tsquery gets quoted (letters and digits only, unaccented)."""
    found = words(query)
    if not found:
        return None
    last = _prefix_word(query, found)
    plain = " ".join(found[:-1] if last else found)
    sql = "plainto_tsquery('simple'::regconfig, answerdesk_unaccent(%s))"
    if last is None:
        return sql, [plain]
    quoted = (
        "'''' || replace(replace(answerdesk_unaccent(%s), '\\', '\\\\'), '''', '''''') || ''':*'"
    )
    return f"({sql} && to_tsquery('simple'::regconfig, {quoted}))", [plain, last]


def _pg_text(query: str) -> tuple[Q, Func] | None:
    tsquery = _pg_tsquery(query)
    if tsquery is None:
        return None
    tsquery_sql, params = tsquery
    columns = {c: F(c) for c in _COLUMNS}
    matches = _SQL(f"{_PG_DOCUMENT} @@ {tsquery_sql}", params, BooleanField(), **columns)
    matching = Message.objects.filter(matches).values("ticket_id")
    # One map, ticket id -> best rank, computed once (an InitPlan) and looked up per ticket;
    # a subquery per ticket would compute to_tsvector again for each of its messages.
    document = _PG_DOCUMENT.format(**{c: c for c in _COLUMNS})
    ranks = (
        "(SELECT jsonb_object_agg(s.ticket_id::text, s.rank) FROM ("
        f"SELECT ticket_id, max(ts_rank({document}, {tsquery_sql}, 1)) AS rank"
        f" FROM tickets_message WHERE {document} @@ {tsquery_sql} GROUP BY ticket_id) s)"
    )
    rank = _SQL(
        f"(({ranks} ->> ({{pk}})::text)::double precision)",
        [*params, *params],
        FloatField(),
        pk=F("pk"),
    )
    return Q(pk__in=matching), rank


def search_tickets(query: str, within: QuerySet[Ticket]) -> QuerySet[Ticket]:
    """The tickets of `within` that the query finds, best first, then newest.

    - A ticket reference ("AD-000123", "#123", "123") puts that ticket first.
    - An address puts the tickets of that sender next.
    - Then the tickets with a message (inbound, outbound or note) holding every word, the
      last one as a prefix ("remb" finds "remboursement"), best ranked first.

    `within` is what the user may see (tickets.access.visible_tickets), maybe filtered
    further. Any input is safe: what cannot match returns no ticket, never an error.
    Annotations: search_tier (0 reference, 1 sender, 2 text) and search_rank (text match,
    higher is better; None when only the reference or the address matched).
    """
    # Lone surrogates cannot be encoded for the database, NUL cannot be stored in PostgreSQL.
    query = query.encode("utf-8", "ignore").decode("utf-8").replace("\x00", "")
    found = Q(pk__in=[])
    tiers = []
    stripped = query.strip()
    ticket_id = _reference(stripped)
    if ticket_id is not None:
        found |= Q(pk=ticket_id)
        tiers.append(When(pk=ticket_id, then=Value(0)))
    if _EMAIL.fullmatch(stripped):
        address = stripped.lower()
        sender = Q(
            pk__in=Ticket.objects.filter(contact__addresses__email=address).values("pk")
        ) | Q(pk__in=Message.objects.filter(sender__addresses__email=address).values("ticket_id"))
        found |= sender
        tiers.append(When(sender, then=Value(1)))
    vendor = connections[within.db].vendor
    text = (_pg_text if vendor == "postgresql" else _sqlite_text)(query)
    rank: Any = Value(None, output_field=FloatField())
    if text is not None:
        found |= text[0]
        rank = text[1]
    if not tiers and text is None:
        return within.none()
    # No constant in ORDER BY: PostgreSQL and SQLite read "ORDER BY 2" as a column number.
    order: list[str | OrderBy] = [
        *(["search_tier"] if tiers else []),
        *([F("search_rank").desc(nulls_last=True)] if text else []),
        "-created_at",
        "-pk",
    ]
    return (
        within.filter(found)
        .annotate(
            search_tier=Case(*tiers, default=Value(2), output_field=IntegerField()),
            search_rank=rank,
        )
        .order_by(*order)
    )
