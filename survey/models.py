"""Column types shared by the feature models."""

import secrets

from sqlalchemy import BigInteger, Integer

# SQLite only auto-increments a column declared INTEGER; PostgreSQL gets a 64-bit key for the
# tables that grow to millions of rows.
BigId = BigInteger().with_variant(Integer, "sqlite")


def enum_values(enum_class) -> list[str]:
    """Store an enum's values (``"online"``), not its member names (``"ONLINE"``)."""
    return [member.value for member in enum_class]


def random_id() -> int:
    """A primary key that says nothing about when a row was written (rows that must not line up
    with others by their order). Below 2^53, so that it stays exact in JavaScript too."""
    return secrets.randbelow((1 << 53) - 1) + 1
