"""Queries built and compiled once per process, run with new values each time.

Building a queryset and compiling it to SQL is most of what a small query costs
the ORM: the document page's six-table `select_related` took 1.6 ms through
the ORM and 0.13 ms to run, and each page worked out afresh (after any write)
asks several such questions. A `PreparedQuery` is written as an ordinary
queryset whose changing values are `Param`s; it is compiled the first time it
runs on a database connection, and each run after that binds the values, runs
the SQL and builds the model instances (with their `select_related` objects and
annotations) the way the ORM's own iterator does.

A query whose shape follows what is asked (which filters, how many rows it
names) is prepared once per shape with `prepared(build, *shape)`.

Only for queries whose SQL depends on nothing but their shape: no `__in` with a
list (`any_of` writes one of a given length), no `None` values (`= NULL` matches
nothing), no `prefetch_related`, and nothing that writes the active time zone
into the SQL (`__date`, `Trunc`).

On PostgreSQL the SQL is also prepared by the server (`PREPARE`), once per
database session, so that it is planned once rather than on every run: the
digest's pending documents, a six-table join, took 3.0 ms to plan and run and
0.2 ms to `EXECUTE` (`SAMEPAGE_SERVER_PREPARED=0` turns this off, e.g. behind a
pooler that hands one session's statements to another).
"""

from __future__ import annotations

import datetime
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property, partial
from typing import NamedTuple

from django.conf import settings
from django.db import connections
from django.db.models import Expression, Field, Model, Q, QuerySet, signals
from django.db.models.base import ModelState
from django.db.models.query import (
    ModelIterable,
    ValuesListIterable,
    get_related_populators,
)
from django.db.models.query_utils import DeferredAttribute

_ITERABLES = (ModelIterable, ValuesListIterable)


class OutOfRange(ValueError):
    """An integer value beyond what the database's column can hold."""


class Param(Expression):
    """A value given when the query runs: `filter(doc_id=Param("doc_id",
    CharField()))`. `output_field` prepares the value for the database."""

    def __init__(self, name: str, output_field: Field):
        super().__init__(output_field=output_field)
        self.name = name

    def as_sql(self, compiler, connection):
        return "%s", [_Slot(self.name, self.output_field)]


@dataclass(frozen=True)
class _Slot:
    """Where a `Param`'s value goes in the compiled parameters."""

    name: str
    field: Field


class _Compiled:
    """One query compiled for one connection: its SQL, its parameters (values
    and slots), and how its rows become model instances."""

    def __init__(self, queryset: QuerySet, connection, rows_as, counted, flags=()):
        iterable = queryset._iterable_class
        if queryset._prefetch_related_lookups or iterable not in _ITERABLES:
            raise TypeError(
                "A prepared query gives model instances or values_list() rows, "
                "and no prefetch."
            )
        self.connection = connection
        compiler = queryset.query.get_compiler(connection=connection)
        self.sql, self.params = _constant_exists(*compiler.as_sql())
        self.slots = {param.name for param in self.params if isinstance(param, _Slot)}
        select, klass_info = compiler.select, compiler.klass_info
        self.rows_as = rows_as if iterable is ValuesListIterable else None
        if self.rows_as is None:
            first, last = (
                klass_info["select_fields"][0],
                klass_info["select_fields"][-1],
            )
            self.model: type[Model] = klass_info["model"]
            self.model_columns = slice(first, last + 1)
            self.init_list = [
                column[0].target.attname for column in select[first : last + 1]
            ]
            self.build = _builder(self.model, queryset.db)
            self.related = [
                _Related(populator)
                for populator in get_related_populators(klass_info, select, queryset.db)
            ]
            self.annotations = compiler.annotation_col_map
        self.column_count = compiler.col_count if compiler.has_extra_select else None
        self.converters = {
            position: converters
            for position, converters in compiler.get_converters(
                [column[0] for column in select[: compiler.col_count]]
            ).items()
            if position not in flags
        }
        self.compiler = compiler
        self.db = queryset.db
        self.queryset = queryset
        self.counted = counted

    @cached_property
    def count(self) -> tuple[str, tuple]:
        """The SQL and parameters that count the rows (ordering left out)."""
        counted = self.counted() if self.counted else self.queryset
        rows = counted.order_by().values("pk")
        compiler = rows.query.get_compiler(connection=self.connection)
        sql, params = _constant_exists(*compiler.as_sql())
        # The ORM's own SQL, its values still parameters.
        return f"SELECT COUNT(*) FROM ({sql}) counted", params  # noqa: S608

    @cached_property
    def exists(self) -> tuple[str, tuple]:
        """`EXISTS(…)` of the rows, and its parameters: Django's `exists()`, which
        selects no columns and sorts nothing (a digest asks it of six lists at
        once: with their columns and order, SQLite took twice as long)."""
        compiler = self.queryset.query.exists().get_compiler(connection=self.connection)
        sql, params = compiler.as_sql()
        return _constant_exists(f"EXISTS({sql})", params)

    def bind(self, values: dict, params=None) -> list:
        if values.keys() != self.slots:
            wanted, given = sorted(self.slots), sorted(values)
            raise TypeError(f"This query takes {wanted}, not {given}.")
        bound = []
        for param in self.params if params is None else params:
            if isinstance(param, _Slot):
                value = values[param.name]
                if value is None:
                    raise ValueError(f"{param.name} is None: it would match nothing.")
                self._check_range(param, value)
                param = param.field.get_db_prep_value(value, self.connection)
            bound.append(param)
        return bound

    def _check_range(self, slot: _Slot, value) -> None:
        """The ORM leaves out a comparison with an integer the database cannot
        hold; a prepared query cannot, so it refuses the value."""
        internal_type = slot.field.get_internal_type()
        ranges = self.connection.ops.integer_field_ranges
        if not isinstance(value, int) or internal_type not in ranges:
            return
        low, high = ranges[internal_type]
        if (low is not None and value < low) or (high is not None and value > high):
            raise OutOfRange(f"{slot.name} is beyond what the database holds.")

    def objects(self, rows) -> list[Model]:
        if self.column_count is not None:
            rows = [row[: self.column_count] for row in rows]
        if self.converters:
            rows = self.compiler.apply_converters(rows, self.converters)
        if self.rows_as is not None:
            return [self.rows_as(row) for row in rows]
        found, made = [], {}
        for row in rows:
            obj = self.build(self.init_list, row[self.model_columns])
            for populator in self.related:
                populator.populate(row, obj, made)
            for name, position in self.annotations.items():
                setattr(obj, name, row[position])
            found.append(obj)
        return found


def _builder(model: type[Model], db: str) -> Callable[[list, tuple], Model]:
    """How a row's values (named by attribute) become an instance of `model`: as
    `Model.from_db` makes it (no field left out is set, so it loads when read), in
    a tenth of the time (0.56 µs for a version against 5.5), without calling
    `__init__`. Only for a model that nothing watches being made (init signals,
    its own `from_db`) and whose fields are set as plain attributes."""
    plain = (
        model.from_db.__func__ is Model.from_db.__func__
        and not signals.pre_init.has_listeners(model)
        and not signals.post_init.has_listeners(model)
        and all(
            issubclass(field.descriptor_class, DeferredAttribute)
            and not hasattr(field.descriptor_class, "__set__")
            or field.is_relation
            for field in model._meta.concrete_fields
        )
    )
    if not plain:
        return partial(model.from_db, db)

    def build(names: list, values: tuple) -> Model:
        instance = model.__new__(model)
        state = instance._state = ModelState()
        state.adding, state.db = False, db
        instance.__dict__.update(zip(names, values, strict=True))
        return instance

    return build


class _Related:
    """Django's `RelatedPopulator` (one `select_related` object of each row),
    making its instances with `_builder`."""

    def __init__(self, populator):
        self.columns = populator.reorder_for_init or (
            lambda row: row[populator.cols_start : populator.cols_end]
        )
        self.names, self.pk_index = populator.init_list, populator.pk_idx
        self.build = _builder(populator.model_cls, populator.db)
        self.related = [_Related(each) for each in populator.related_populators]
        self.local_setter = populator.local_setter
        # The related object's way back to this one (a one-to-one's), unless no
        # accessor can read it (related_name "+": a document's current version):
        # kept, it only made the two a reference cycle, which outlived the request
        # until the garbage collector's next pass. A digest read afresh left ten.
        reverse = getattr(populator.remote_setter, "__self__", None)
        hidden = reverse is not None and reverse.hidden
        self.remote_setter = None if hidden else populator.remote_setter

    def populate(self, row, from_obj, made: dict) -> None:
        """Set `from_obj`'s related object from `row`. Many rows may name the same
        one (the publisher of a digest's 60 versions, the category of a page's
        documents): it is made once, as a prefetch would, and the later rows get
        the one `made` (by populator and key) for the earlier."""
        values = self.columns(row)
        pk = values[self.pk_index]
        if pk is None:
            obj = None
        elif (self, pk) in made:
            obj = made[self, pk]
        else:
            obj = made[self, pk] = self.build(self.names, values)
            for populator in self.related:
                populator.populate(row, obj, made)
        self.local_setter(from_obj, obj)
        if obj is not None and self.remote_setter is not None:
            self.remote_setter(obj, from_obj)


# The setting for a statement that joins a few rows to the rows they name (the
# people who published them, their documents): planned once for any values,
# PostgreSQL hashed or merged the whole of the other table (the 502 people, to
# name the publishers of a digest's 60 versions: 0.12 ms of its 0.23), where
# looking each row up by its key reads a few pages of an index.
JOINED_BY_KEY = "SET LOCAL enable_hashjoin = off; SET LOCAL enable_mergejoin = off"


class PreparedQuery:
    """`build()` returns the queryset, with `Param`s for what changes; `run(**values)`
    gives its model instances, as `list(queryset)` would."""

    def __init__(
        self,
        build: Callable[[], QuerySet],
        *,
        rows_as=tuple,
        counted: Callable[[], QuerySet] | None = None,
        setting: str = "",
        flags: tuple[int, ...] = (),
    ):
        """`rows_as`: what a `values_list()` query's rows are made into from
        their values in order (`tuple`, or a NamedTuple's `_make`). `counted`:
        the same rows with no columns chosen, for `count()` (the columns of a
        `values_list()` keep their joins in a count). `setting` (PostgreSQL): a
        `SET LOCAL` sent with each run, as `fetch_all` sends it, for a query
        whose plan the server would otherwise choose badly. `flags`: the
        positions of a `values_list()` query's boolean columns read only as true
        or false, left as the database gives them (SQLite's 0 and 1): Django's
        converter, called for each, cost a list of hundreds of people 0.4 ms."""
        self._build = build
        self._rows_as = rows_as
        self._counted = counted
        self._setting = setting
        self._flags = flags
        # A connection belongs to one thread, and so does what was compiled for it.
        self._local = threading.local()

    def _compiled(self) -> _Compiled:
        compiled = getattr(self._local, "compiled", None)
        if compiled is None or compiled.connection is not connections[compiled.db]:
            queryset = self._build()
            compiled = _Compiled(
                queryset,
                connections[queryset.db],
                self._rows_as,
                self._counted,
                self._flags,
            )
            self._local.compiled = compiled
        return compiled

    def run(self, /, *, window: slice | None = None, **values) -> list[Model]:
        """The instances; `window` (rows `start` to `stop`, as a slice of the
        queryset would be) for a query built unsliced."""
        return self.objects(self.rows(window=window, **values))

    def objects(self, rows: list[tuple]) -> list[Model]:
        """What `run` gives, from the rows `rows` gave."""
        return self._compiled().objects(rows)

    def rows(self, /, *, window: slice | None = None, **values) -> list[tuple]:
        """The rows as the database gave them: plain values, for keeping (they
        pickle in a fraction of the time the model instances made of them do)."""
        compiled = self._compiled()
        sql, params = compiled.sql, compiled.bind(values)
        if window is not None:
            if compiled.queryset.query.is_sliced:
                raise TypeError("A sliced query takes no window.")
            start = window.start or 0
            sql += " LIMIT %s OFFSET %s"
            params += [window.stop - start, start]
        return fetch_all(compiled.connection, sql, params, setting=self._setting)

    def count(self, **values) -> int:
        compiled = self._compiled()
        sql, params = compiled.count
        bound = compiled.bind(values, params)
        return fetch_all(compiled.connection, sql, bound, setting=self._setting)[0][0]


def fetch_all(connection, sql: str, params: list, *, setting: str = "") -> list[tuple]:
    """The rows of `sql` (Django's placeholders) run with `params`: on
    PostgreSQL through a statement the server prepared for this session.

    `setting` (PostgreSQL; other databases have no such settings and run the
    statement alone): a `SET LOCAL` sent with the statement in one round trip.
    Sent together outside a transaction, the two run as one of their own, so the
    setting ends with the statement; inside one, with the transaction."""
    name = _server_statement(connection, sql, params)
    statement = sql if name is None else _execute_sql(name, len(params))
    if setting and connection.vendor == "postgresql":
        statement = f"{setting}; {statement}"
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.fetchall()


def logged_sql(connection, logged: str) -> str:
    """The SQL a logged `EXECUTE samepage_N(…)` runs (its values left out), for
    reading a query log; any other line as it is."""
    found = re.match(r"((?:SET LOCAL [^;]*; )*)EXECUTE (samepage_\d+)\b", logged)
    known = getattr(connection, "_samepage_statements", (None, {}))[1]
    by_name = {name: sql for sql, name in known.items() if name}
    if not found or found[2] not in by_name:
        return logged
    return found[1] + by_name[found[2]]


# What Django's EXISTS selects: its 1 as a parameter, which PostgreSQL types as
# text in a prepared statement (so the statement ran as plain SQL, planned again
# on every run: the filters' owners, 2 ms of a cold search).
_EXISTS_SELECT = 'EXISTS(SELECT %s AS "a" '
_EXISTS_CONSTANT = 'EXISTS(SELECT 1 AS "a" '


def _constant_exists(sql: str, params) -> tuple[str, tuple]:
    """`sql` with each EXISTS selecting the constant 1 it selects as written, and
    its parameter left out."""
    params = list(params)
    start = sql.find(_EXISTS_SELECT)
    while start >= 0:
        before = _PLACEHOLDER.finditer(sql, 0, start)
        position = sum(found[1] == "s" for found in before)
        value = params[position]
        if not isinstance(value, bool) and value == 1:
            del params[position]
            sql = sql[:start] + _EXISTS_CONSTANT + sql[start + len(_EXISTS_SELECT) :]
        start = sql.find(_EXISTS_SELECT, start + 1)
    return sql, tuple(params)


def _execute_sql(name: str, count: int) -> str:
    if not count:
        return f"EXECUTE {name}"
    return f"EXECUTE {name}({', '.join(['%s'] * count)})"


_PLACEHOLDER = re.compile(r"%(s|%)")


def _numbered(sql: str) -> str:
    """Django's `%s` placeholders (and `%%` for a percent sign) as PostgreSQL's
    `$1`, `$2`, …"""
    numbers = iter(range(1, sql.count("%s") + 1))
    return _PLACEHOLDER.sub(
        lambda found: "%" if found[1] == "%" else f"${next(numbers)}", sql
    )


def _server_statement(connection, sql: str, params: list) -> str | None:
    """The name of the statement prepared for `sql` in this database session
    (the same connection object reconnects as a new session), or None where
    there is none: another database, turned off, or a statement the server
    would type otherwise than its values (then it is run as plain SQL)."""
    if connection.vendor != "postgresql" or not settings.SAMEPAGE_SERVER_PREPARED:
        return None
    connection.ensure_connection()
    session = connection.connection
    known = getattr(connection, "_samepage_statements", None)
    if known is None or known[0] is not session:
        known = connection._samepage_statements = (session, {})
    statements = known[1]
    if sql not in statements:
        statements[sql] = _prepare(
            connection, session, f"samepage_{len(statements) + 1}", sql, params
        )
    return statements[sql]


def _prepare(connection, session, name: str, sql: str, params: list) -> str | None:
    # Once a session, like the connection's own set-up: on the driver's cursor,
    # so a page's query count is the same on every run. PREPARE outlives a
    # rollback; inside a transaction a savepoint keeps a refusal from ending it.
    in_transaction = connection.in_atomic_block
    with session.cursor() as cursor:
        try:
            if in_transaction:
                cursor.execute("SAVEPOINT samepage_prepare")
            cursor.execute(f"PREPARE {name} AS {_numbered(sql)}")
            cursor.execute(
                "SELECT parameter_types::text[] FROM pg_prepared_statements "
                "WHERE name = %s",
                [name],
            )
            (types,) = cursor.fetchone()
            if not all(map(_takes, types, params)):
                cursor.execute(f"DEALLOCATE {name}")
                name = None
            if in_transaction:
                cursor.execute("RELEASE SAVEPOINT samepage_prepare")
        except connection.Database.Error:
            if in_transaction:
                cursor.execute("ROLLBACK TO SAVEPOINT samepage_prepare")
                cursor.execute("RELEASE SAVEPOINT samepage_prepare")
            return None
    return name


def _takes(server_type: str, value) -> bool:
    """Whether a parameter the server typed from its context holds `value` as
    the driver writes it: `SELECT %s` with 1 is an integer when sent as a
    value, but the server types an unknown parameter as text."""
    if value is None or isinstance(value, str):
        return True
    if isinstance(value, bool):
        return server_type == "boolean"
    if isinstance(value, int | float):
        return server_type in _NUMBERS
    if isinstance(value, datetime.datetime):
        return server_type.startswith("timestamp")
    if isinstance(value, datetime.date):
        return server_type == "date"
    return False


_NUMBERS = {"smallint", "integer", "bigint", "numeric", "real", "double precision"}


def any_of(lookup: str, name: str, count: int, output_field: Field) -> Q:
    """`lookup__in` a list of `count` values given when the query runs, as
    `name0`, `name1`, … (`numbered(name, values)`): a list's length is part of a
    query's shape."""
    if count < 1:
        raise ValueError("An empty list matches nothing: ask no query.")
    wanted = Q()
    for index in range(count):
        wanted |= Q(**{lookup: Param(f"{name}{index}", output_field)})
    return wanted


def numbered(name: str, values) -> dict:
    """The values of `any_of(…, name, len(values), …)`."""
    return {f"{name}{index}": value for index, value in enumerate(values)}


_BY_SHAPE: dict[tuple, PreparedQuery] = {}


def prepared(build: Callable[..., QuerySet], *shape, **options) -> PreparedQuery:
    """`PreparedQuery(lambda: build(*shape), **options)`, made once for each
    `build` and `shape`: for a query whose shape (which filters, how many rows
    it names) follows what is asked, each shape compiled once. Shapes must be
    few (the Documents page's filters: at most 192)."""
    key = (build, shape)
    query = _BY_SHAPE.get(key)
    if query is None:
        query = _BY_SHAPE[key] = PreparedQuery(partial(build, *shape), **options)
    return query


class Asked(NamedTuple):
    """A prepared query and the values it is asked with (no query: nothing to
    ask), to run now (`objects()`), or to read as rows to keep (`rows()`) and
    make what it gives from them later (`objects(rows)`)."""

    query: PreparedQuery | None
    values: dict

    def rows(self) -> list[tuple]:
        return [] if self.query is None else self.query.rows(**self.values)

    def objects(self, rows: list[tuple] | None = None) -> list:
        if self.query is None:
            return []
        return self.query.objects(self.rows() if rows is None else rows)


def rows_of_each(asked: list[Asked]) -> list[list[tuple]]:
    """The rows of each of `asked` (as `Asked.rows()`), having asked first, in one
    statement, which of them give any: those that give none cost no query of
    their own. For the lists a digest shows since the reader's last visit, most
    of them empty for someone who reads it often (a round trip is 0.1 to 0.2 ms
    of a digest worked out afresh)."""
    wanted = [index for index, each in enumerate(asked) if each.query is not None]
    found = [[] for _ in asked]
    if len(wanted) > 1:
        has_rows = _any_rows([asked[index] for index in wanted])
        wanted = [index for index, has in zip(wanted, has_rows, strict=True) if has]
    for index in wanted:
        found[index] = asked[index].rows()
    return found


def _any_rows(asked: list[Asked]) -> tuple[bool, ...]:
    """Whether each of `asked` gives any rows, in one statement."""
    compiled = [each.query._compiled() for each in asked]
    # The ORM's SQL, its values parameters.
    sql = "SELECT " + ", ".join(each.exists[0] for each in compiled)
    params = []
    for each, query in zip(asked, compiled, strict=True):
        params += query.bind(each.values, query.exists[1])
    (row,) = fetch_all(compiled[0].connection, sql, params)
    return tuple(map(bool, row))


class PreparedList:
    """A prepared query and its values as Paginator takes a list of rows:
    `count()` counts them and a slice runs the query for those rows alone."""

    def __init__(self, prepared: PreparedQuery, /, **values):
        self.prepared, self.values = prepared, values

    def count(self) -> int:
        return self.prepared.count(**self.values)

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, window: slice) -> list[Model]:
        if not isinstance(window, slice) or window.step or window.stop is None:
            raise TypeError("A prepared list is read a page at a time.")
        return self.prepared.run(window=window, **self.values)
