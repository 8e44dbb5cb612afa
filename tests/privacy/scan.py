"""A full-text scan of the database: every column of every table, cast to text."""

from __future__ import annotations

from django.db import connection


def database_text(*, table_prefix: str = "") -> dict[str, str]:
    """``table.column`` -> every value of that column cast to text, one per line, for every
    table (or those whose name starts with ``table_prefix``)."""
    columns: dict[str, str] = {}
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            if not table.startswith(table_prefix):
                continue
            for column in connection.introspection.get_table_description(cursor, table):
                cursor.execute(
                    f"SELECT CAST({quote(column.name)} AS TEXT) FROM {quote(table)}"  # noqa: S608 - names from the schema
                )
                columns[f"{table}.{column.name}"] = "\n".join(
                    str(value) for (value,) in cursor.fetchall() if value is not None
                )
    return columns


def columns_containing(text: str, *, table_prefix: str = "") -> list[str]:
    """``table.column`` for every column where ``text`` still is, in any row."""
    return [
        name for name, values in database_text(table_prefix=table_prefix).items() if text in values
    ]
