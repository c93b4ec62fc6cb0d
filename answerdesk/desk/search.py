"""Full-text search over tickets: every message's subject, own text and sender.

One entry point, search_tickets(), whatever the database. The index lives in the database
and the database keeps it current (the mail pipeline writes rows with plain multi-row
INSERTs, which Django signals would miss):

- SQLite: an FTS5 table, desk_message_search, whose external content is tickets_message,
  kept in step by triggers on tickets_message. Accents fold ("remove_diacritics 2").
  Ranked by bm25.
- PostgreSQL: a GIN index on a to_tsvector() expression over tickets_message, with the
  text search configuration answerdesk_search: 'simple' (no stemming, no stop words, the
  same for French and English) with unaccent in front when the extension could be
  created. Ranked by ts_rank.

A user's words never reach either query language as syntax: on SQLite each word is a quoted
FTS5 string, on PostgreSQL the text goes through plainto_tsquery. See docs/search.md.

The DDL is here, next to the queries that must match it; migration desk 0003 runs it.
Changing it needs a new migration that runs uninstall_index() and install_index().
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from typing import Any

from django.db import connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.utils import CursorWrapper
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

from answerdesk.tickets.models import Message, Ticket, parse_reference

# Words beyond these are ignored: nobody types them, and each one costs a lookup.
MAX_WORDS = 16
MAX_QUERY_CHARS = 1000
# A shorter prefix would expand to a good part of the vocabulary.
MIN_PREFIX_CHARS = 3
# About how many words a snippet shows.
SNIPPET_WORDS = 16
# On PostgreSQL, ranking reads every matching message again: past this many, newest first.
PG_RANKED_MESSAGES = 1000
# On SQLite, bm25 reads each ranked message's column sizes: about 1.3 µs a message, so
# ranking every match of a common word ("commande", 100,000 messages) took 150 ms of the
# 200 ms query. Only the newest this many matching messages are ranked (4 ms); tickets
# matched only by older messages follow the ranked ones, newest first (docs/search.md).
SQLITE_RANKED_MESSAGES = 1000

# --- SQLite: the index ---------------------------------------------------------------------

# The FTS5 table's external content is tickets_message itself (no copy of the text; snippet()
# reads it back by id), one column per message column. A message contributes its subject,
# its own new text or, when the parser found none (all quoted, or no parse), its whole text,
# and who wrote it: `text` is indexed empty when there is a new text, so the quoted history
# is not searched. The index differs from the content on purpose: never use FTS5's
# 'rebuild' (it would index the history); 'integrity-check' with rank 1 fails for that
# reason alone. A view as the content would be simpler, but a view over tickets_message makes
# SQLite refuse the table remake that most AlterField migrations of Message do.
#
# desk_message_search_ticket maps a message to its ticket: the same as tickets_message's
# columns, but 300,000 rows of it fit in a few MB, where reaching ticket_id in
# tickets_message costs a page of text per match (5 times slower for a common word).


def _sqlite_values(row: str) -> str:
    """The indexed values of the tickets_message row `row` (new, old, m)."""
    return (
        f"{row}.id, {row}.subject, {row}.new_text,"
        f" CASE WHEN {row}.new_text <> '' THEN '' ELSE {row}.text END,"
        f" {row}.from_email, {row}.from_name"
    )


_SQLITE_INTO = "desk_message_search(rowid, subject, new_text, text, from_email, from_name)"
_SQLITE_ADD = (
    f"INSERT INTO {_SQLITE_INTO} VALUES ({_sqlite_values('new')});"
    " INSERT INTO desk_message_search_ticket(id, ticket_id) VALUES (new.id, new.ticket_id);"
)
# External content: FTS5 removes a row given the very values it indexed, which the trigger
# has in OLD.
_SQLITE_REMOVE = (
    "INSERT INTO desk_message_search(desk_message_search, rowid, subject, new_text, text,"
    f" from_email, from_name) VALUES ('delete', {_sqlite_values('old')});"
    " DELETE FROM desk_message_search_ticket WHERE id = old.id;"
)
SQLITE_TRIGGERS = {
    "desk_message_search_insert": f"AFTER INSERT ON tickets_message BEGIN {_SQLITE_ADD} END",
    "desk_message_search_delete": f"AFTER DELETE ON tickets_message BEGIN {_SQLITE_REMOVE} END",
    # Only when an indexed column or the ticket changes (a merge moves messages): other
    # columns (language, kind, flags) change far more often.
    "desk_message_search_update": "AFTER UPDATE OF subject, new_text, text, from_email,"
    f" from_name, ticket_id ON tickets_message BEGIN {_SQLITE_REMOVE} {_SQLITE_ADD} END",
}
_SQLITE_CREATE = (
    # remove_diacritics 2: "reçu" and "recu" are one token, in French as in any Latin
    # script. No prefix index (prefix='3'): on 300,000 messages it made prefix searches no
    # faster, and the index 1.7 times larger and a quarter slower to write.
    "CREATE VIRTUAL TABLE desk_message_search USING fts5("
    "subject, new_text, text, from_email, from_name,"
    " content='tickets_message', content_rowid='id',"
    " tokenize='unicode61 remove_diacritics 2')",
    "CREATE TABLE desk_message_search_ticket (id INTEGER PRIMARY KEY, ticket_id INTEGER NOT NULL)",
    f"INSERT INTO {_SQLITE_INTO} SELECT {_sqlite_values('m')} FROM tickets_message m",
    "INSERT INTO desk_message_search_ticket(id, ticket_id) SELECT id, ticket_id"
    " FROM tickets_message",
)
# bm25 weights, in column order: a word of the subject counts three times one of the text.
_SQLITE_WEIGHTS = "3.0, 1.0, 1.0, 2.0, 2.0"

# --- PostgreSQL: the index -----------------------------------------------------------------

_PG_CONFIG = "answerdesk_search"
# unaccent as a filtering dictionary in front of 'simple', for the token types that can
# hold a letter outside ASCII. Unlike the unaccent() function (only STABLE), to_tsvector()
# with a configuration is IMMUTABLE, so an index may use it, and ts_headline() finds the
# accented words too.
_PG_UNACCENT = (
    f"ALTER TEXT SEARCH CONFIGURATION {_PG_CONFIG} ALTER MAPPING FOR word, hword, hword_part,"
    " numword, numhword, hword_numpart WITH public.unaccent, pg_catalog.simple"
)
_PG_BODY = "left(CASE WHEN {new_text} <> '' THEN {new_text} ELSE {text} END, 100000)"
# Subject weighted A, sender B, text D, for ts_rank. The text is cut at 100,000 characters:
# a tsvector may not exceed 1 MB, and an insert must never fail. Queries must spell the
# same expression, or PostgreSQL will not use the index.
_PG_DOCUMENT = (
    f"(setweight(to_tsvector('{_PG_CONFIG}'::regconfig, {{subject}}), 'A')"
    f" || setweight(to_tsvector('{_PG_CONFIG}'::regconfig,"
    " {from_email} || ' ' || {from_name}), 'B')"
    f" || to_tsvector('{_PG_CONFIG}'::regconfig, {_PG_BODY}))"
)
_COLUMNS = ("subject", "new_text", "text", "from_email", "from_name")
_PG_INDEX = "desk_message_search"


def install_index(connection: BaseDatabaseWrapper) -> None:
    """Create the index, filled from the messages already stored. Idempotent.

    Run by migration desk 0003. On SQLite, a later migration that makes Django remake
    tickets_message (most AlterField operations on Message) drops the triggers with the old
    table: it must run this again afterwards, which rebuilds the index whole.
    """
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            _uninstall_sqlite(cursor)
            for sql in _SQLITE_CREATE:
                cursor.execute(sql)
            for name, sql in SQLITE_TRIGGERS.items():
                cursor.execute(f"CREATE TRIGGER {name} {sql}")
        elif connection.vendor == "postgresql":
            cursor.execute("SELECT 1 FROM pg_ts_config WHERE cfgname = %s", [_PG_CONFIG])
            if cursor.fetchone() is None:
                cursor.execute(
                    f"CREATE TEXT SEARCH CONFIGURATION {_PG_CONFIG} (COPY = pg_catalog.simple)"
                )
                try:
                    with transaction.atomic(using=connection.alias):
                        cursor.execute("CREATE EXTENSION IF NOT EXISTS unaccent WITH SCHEMA public")
                        cursor.execute(_PG_UNACCENT)
                except Exception:  # not allowed to: search without accent folding
                    pass
            document = _PG_DOCUMENT.format(**{c: c for c in _COLUMNS})
            cursor.execute(
                f"CREATE INDEX IF NOT EXISTS {_PG_INDEX} ON tickets_message USING gin ({document})"
            )


def _uninstall_sqlite(cursor: CursorWrapper) -> None:
    for name in SQLITE_TRIGGERS:
        cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
    cursor.execute("DROP TABLE IF EXISTS desk_message_search")
    cursor.execute("DROP TABLE IF EXISTS desk_message_search_ticket")


def uninstall_index(connection: BaseDatabaseWrapper) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            _uninstall_sqlite(cursor)
        elif connection.vendor == "postgresql":
            cursor.execute(f"DROP INDEX IF EXISTS {_PG_INDEX}")
            cursor.execute(f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {_PG_CONFIG}")


# --- reading the query ---------------------------------------------------------------------

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def words(query: str) -> list[str]:
    """The words of a query as typed (punctuation kept inside a word), at most MAX_WORDS.

    A "word" with no letter or digit (an emoji, a lone quote or star) is dropped: it could
    only match nothing. So are control characters.
    """
    text = unicodedata.normalize("NFC", query[:MAX_QUERY_CHARS])
    found = []
    for chunk in text.split():
        word = "".join(c for c in chunk if c.isprintable())
        if any(c.isalnum() for c in word):
            found.append(word)
    return found[:MAX_WORDS]


def _prefix_word(query: str, found: list[str]) -> str | None:
    """The last word, if it is to match as a prefix: typed last, letters and digits only
    (so it needs no quoting in either query language)."""
    if not found or query[-1:].isspace() or len(query) > MAX_QUERY_CHARS:
        return None
    if len(query.split()) > len(found):  # words were dropped: the last one kept is not last
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
    """SQL written out around compiled columns ({name} placeholders), so that each column
    carries whatever alias the query gives its table (a subquery's U0, say)."""

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


_SQLITE_MATCHING = (
    "SELECT t.ticket_id FROM desk_message_search"
    " JOIN desk_message_search_ticket t ON t.id = desk_message_search.rowid"
    " WHERE desk_message_search MATCH %s"
)
# The best-ranked message of each ticket, among the newest SQLITE_RANKED_MESSAGES matching
# messages: FTS5 walks its matches by rowid, newest first, and the LIMIT stops it, so bm25
# runs for those only. SQLite computes this uncorrelated FROM subquery once per query and
# indexes it for the lookup by ticket id. bm25() works only while the FTS cursor is on its
# row, so it is computed in an inner subquery that the LIMIT keeps SQLite from flattening
# into the GROUP BY ("unable to use function bm25 in the requested context" otherwise).
_SQLITE_RANK = (
    "(SELECT r.rank FROM (SELECT t.ticket_id AS ticket_id, -MIN(f.rank) AS rank FROM ("
    f"SELECT rowid AS id, bm25(desk_message_search, {_SQLITE_WEIGHTS}) AS rank"
    " FROM desk_message_search WHERE desk_message_search MATCH %s"
    " ORDER BY rowid DESC LIMIT %s) f"
    " JOIN desk_message_search_ticket t ON t.id = f.id GROUP BY t.ticket_id) r"
    " WHERE r.ticket_id = {pk})"
)


def _sqlite_text(query: str) -> tuple[Q, Func] | None:
    match = fts5_query(query)
    if not match:
        return None
    rank = _SQL(_SQLITE_RANK, [match, SQLITE_RANKED_MESSAGES], FloatField(), pk=F("pk"))
    return Q(pk__in=RawSQL(_SQLITE_MATCHING, [match])), rank


def _pg_tsquery(query: str) -> tuple[str, list[str]] | None:
    """A tsquery: plainto_tsquery of the words (it reads no operator), AND the last word
    as a prefix, quoted for to_tsquery (letters and digits only: nothing to escape)."""
    found = words(query)
    if not found:
        return None
    last = _prefix_word(query, found)
    plain = " ".join(found[:-1] if last else found)
    sql = f"plainto_tsquery('{_PG_CONFIG}'::regconfig, %s)"
    if last is None:
        return sql, [plain]
    return f"({sql} && to_tsquery('{_PG_CONFIG}'::regconfig, %s))", [plain, f"'{last}':*"]


_PG_DOCUMENT_SQL = _PG_DOCUMENT.format(**{c: c for c in _COLUMNS})


def _pg_text(query: str) -> tuple[Q, Func] | None:
    tsquery = _pg_tsquery(query)
    if tsquery is None:
        return None
    tsquery_sql, params = tsquery
    columns = {c: F(c) for c in _COLUMNS}
    matches = _SQL(f"{_PG_DOCUMENT} @@ {tsquery_sql}", params, BooleanField(), **columns)
    document, limit = _PG_DOCUMENT_SQL, PG_RANKED_MESSAGES
    # One map, ticket id -> best rank, computed once (an InitPlan, run only if the CASE gets
    # there) and looked up per ticket. ts_rank must compute each message's tsvector again
    # (about 0.3 ms for a 700-character text): hence the cap, counted from the index alone.
    # Normalisation 1: a word in a long text counts less than in a short one.
    ranks = (
        "(SELECT CASE WHEN (SELECT count(*) FROM (SELECT 1 FROM tickets_message"
        f" WHERE {document} @@ {tsquery_sql} LIMIT {limit + 1}) c) <= {limit} THEN"
        " (SELECT jsonb_object_agg(s.ticket_id::text, s.rank) FROM ("
        f"SELECT ticket_id, max(ts_rank({document}, {tsquery_sql}, 1)) AS rank"
        f" FROM tickets_message WHERE {document} @@ {tsquery_sql} GROUP BY ticket_id) s)"
        " END)"
    )
    rank = _SQL(
        f"(({ranks} ->> ({{pk}})::text)::double precision)",
        params * 3,
        FloatField(),
        pk=F("pk"),
    )
    return Q(pk__in=Message.objects.filter(matches).values("ticket_id")), rank


def search_tickets(query: str, within: QuerySet[Ticket]) -> QuerySet[Ticket]:
    """The tickets of `within` that the query finds, best first, then newest.

    - A ticket reference ("AD-000123", "#123", "123") puts that ticket first.
    - An address puts the tickets of that sender next.
    - Then the tickets with a message (inbound, outbound or note) holding every word, the
      last one as a prefix ("remb" finds "remboursement"), best ranked first. On SQLite,
      only the newest SQLITE_RANKED_MESSAGES matching messages are ranked; tickets matched
      only by older ones come next, newest first. On PostgreSQL, only when at most
      PG_RANKED_MESSAGES messages match; newest first otherwise.

    `within` is what the user may see (tickets.access.visible_tickets), maybe filtered
    further. Any input is safe: what cannot match finds no ticket, never an error.

    Annotations: search_tier (0 reference, 1 sender, 2 text) and search_rank (text match,
    higher is better; None when only the reference or the address matched). For snippets,
    call add_snippets() on the page shown.
    """
    query = _storable(query)
    found = Q(pk__in=[])
    tiers = []
    stripped = query.strip()
    ticket_id = parse_reference(stripped)
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
    if text is not None:
        found |= text[0]
    elif not tiers:
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
            search_rank=text[1] if text else Value(None, output_field=FloatField()),
        )
        .order_by(*order)
    )


def _storable(query: str) -> str:
    # Lone surrogates cannot be encoded for the database, nor NUL stored in PostgreSQL.
    return query.encode("utf-8", "ignore").decode("utf-8").replace("\x00", "")


# --- snippets ------------------------------------------------------------------------------

# One FTS scan for the whole page: "+rowid" keeps the ticket's messages from being handed
# to FTS5 as rowid constraints, which would run the MATCH (and merge the last word's
# prefix doclists) once per message, 10 to 40 ms each for a common word. The range of the
# page's message ids is handed to FTS5, once: it reads only that part of each doclist
# ("commande", first page: 6 ms instead of 16).
_SQLITE_SNIPPETS = (
    "SELECT t.ticket_id, snippet(desk_message_search, -1, '', '', '…', {words})"
    " FROM desk_message_search JOIN desk_message_search_ticket t"
    " ON t.id = desk_message_search.rowid WHERE desk_message_search MATCH %s"
    " AND +desk_message_search.rowid IN (SELECT id FROM tickets_message WHERE ticket_id IN ({ids}))"
    " AND desk_message_search.rowid"
    " BETWEEN (SELECT min(id) FROM tickets_message WHERE ticket_id IN ({ids}))"
    " AND (SELECT max(id) FROM tickets_message WHERE ticket_id IN ({ids}))"
    f" ORDER BY bm25(desk_message_search, {_SQLITE_WEIGHTS}) DESC"
)
_PG_SNIPPETS = (
    "SELECT DISTINCT ON (ticket_id) ticket_id,"
    f" ts_headline('{_PG_CONFIG}'::regconfig, subject || ' — ' || "
    + _PG_BODY.format(new_text="new_text", text="text")
    + ', {tsquery}, \'StartSel="",StopSel="",MaxWords={words},MinWords=8,MaxFragments=1\')'
    f" FROM tickets_message WHERE ticket_id IN ({{ids}}) AND {_PG_DOCUMENT_SQL} @@ {{tsquery}}"
    f" ORDER BY ticket_id, ts_rank({_PG_DOCUMENT_SQL}, {{tsquery}}, 1) DESC, id"
)


def add_snippets(query: str, tickets: Sequence[Ticket]) -> None:
    """Set search_snippet on each ticket: plain text (to be escaped) around the query's
    words in its best-matching message, or None. Meant for the page shown, after
    search_tickets(): one query, costing about as much as the search itself."""
    for ticket in tickets:
        ticket.search_snippet = None  # type: ignore[attr-defined]
    by_id = {ticket.pk: ticket for ticket in tickets}
    if not by_id:
        return
    query = _storable(query)
    ids = ", ".join(["%s"] * len(by_id))
    params: list[Any]
    connection = connections[tickets[0]._state.db or "default"]
    if connection.vendor == "postgresql":
        tsquery = _pg_tsquery(query)
        if tsquery is None:
            return
        tsquery_sql, tsquery_params = tsquery
        sql = _PG_SNIPPETS.format(tsquery=tsquery_sql, words=SNIPPET_WORDS, ids=ids)
        params = [*tsquery_params, *by_id, *tsquery_params, *tsquery_params]
    else:
        match = fts5_query(query)
        if not match:
            return
        sql = _SQLITE_SNIPPETS.format(words=SNIPPET_WORDS, ids=ids)
        params = [match, *by_id, *by_id, *by_id]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    for ticket_id, snippet in rows:
        # SQLite: ordered worst first (bm25 is negative), so the best message's wins.
        by_id[ticket_id].search_snippet = snippet  # type: ignore[attr-defined]


def ensure_index_after_migrate(using: str = "default", **_: object) -> None:
    ensure_index(connections[using])


def ensure_index(connection: BaseDatabaseWrapper) -> None:
    """Put the SQLite triggers back if a migration remade tickets_message without them
    (run after every migrate): a stale index would fail silently, not loudly."""
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        if "tickets_message" not in tables or "django_migrations" not in tables:
            return
        cursor.execute(
            "SELECT 1 FROM django_migrations WHERE app = 'desk' AND name = '0003_search'"
        )
        if cursor.fetchone() is None:
            return  # not installed yet: the migration will
        names = list(SQLITE_TRIGGERS)
        marks = ", ".join("%s" for _ in names)
        cursor.execute(
            f"SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name IN ({marks})",
            names,
        )
        (present,) = cursor.fetchone()
    if present != len(names):
        install_index(connection)
