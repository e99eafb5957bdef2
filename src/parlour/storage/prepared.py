"""Hot read statements compiled once and run on the driver's cursor.

A music app's every request runs a handful of statements whose text never changes (the
by-id reads of a scope, the search). SQLAlchemy spends 50-70 microseconds a statement
on each run (cache key, execution context, result wrapping), as long as SQLite takes
for some of them. Such a statement is compiled once, its fixed values (the viewer's
libraries) kept beside its text, and run with the values of the call bound by name.

Only for statements whose columns need no result processing (text, numbers, bytes) and
whose values are plain; other databases than SQLite take SQLAlchemy's usual path.
"""

from functools import lru_cache
from typing import Any

from sqlalchemy import Connection, Dialect, Select
from sqlalchemy.sql.selectable import TextualSelect

Statement = Select[Any] | TextualSelect


@lru_cache(maxsize=1024)
def _compiled(
    statement: Statement, dialect: Dialect, names: tuple[str, ...]
) -> tuple[str, tuple[str, ...], tuple[Any, ...]]:
    """The statement's SQL, the name of each of its positional values, and the values
    fixed when it was built (None where a call gives one)."""
    compiled = statement.compile(dialect=dialect)
    state = compiled.construct_expanded_state(dict.fromkeys(names))
    order = tuple(state.positiontup or ())
    fixed = tuple(None if name in names else state.parameters[name] for name in order)
    return state.statement, order, fixed


def rows(conn: Connection, statement: Statement, values: dict[str, Any]) -> list[Any]:
    """Every row of ``statement`` with ``values`` bound (the names it leaves open)."""
    if conn.dialect.name != "sqlite":
        return list(conn.execute(statement, values))
    sql, order, fixed = _compiled(statement, conn.dialect, tuple(sorted(values)))
    bound = [values.get(name, value) for name, value in zip(order, fixed, strict=True)]
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        found: list[Any] = cursor.execute(sql, bound).fetchall()
        return found
    finally:
        cursor.close()
