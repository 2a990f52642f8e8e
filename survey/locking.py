"""Taking the database's write lock before reading what a write depends on."""

from __future__ import annotations

from .extensions import db


def reserve_writer(row_query=None) -> None:
    """Serialise writers that first read what they then change.

    SQLite: take the write lock before the first read. The pysqlite driver starts a transaction
    only at the first write, so a read would start one (without the lock) that cannot become a
    writer once another request has written: "database is locked" at once, whatever the busy
    timeout. With the lock taken first, writers simply wait for each other.
    PostgreSQL: lock the rows ``row_query`` selects (``SELECT … FOR UPDATE``), if given; its row
    locks do the rest.
    """
    connection = db.session.connection()
    if connection.dialect.name == "sqlite":
        if not connection.connection.dbapi_connection.in_transaction:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
    elif row_query is not None:
        db.session.execute(row_query.with_for_update())
