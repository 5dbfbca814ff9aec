"""Bounds for numbers taken from a request, checked before they reach a query.

SQLite refuses a Python integer outside 64 bits with an OverflowError, and
PostgreSQL an out-of-range one with a DataError: either would be a server error
for what is only a bad request.
"""

from typing import Annotated

from pydantic import Field

# Primary keys are BigAutoField: 64-bit signed on every database we run on.
ID_MAX = 2**63 - 1
# Version numbers are PositiveIntegerField: 32-bit `integer` on PostgreSQL.
NUMBER_MAX = 2**31 - 1

# A row id in an API query string; anything else is a 400 naming the parameter.
RowId = Annotated[int, Field(ge=1, le=ID_MAX)]
