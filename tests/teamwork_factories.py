"""Goals made through the services, as the product makes them."""

from datetime import date
from decimal import Decimal

from teamwork import services


def make_goal(*, manager, owner, team="sales", **fields):
    values = {
        "statement": "Close new accounts",
        "measure": "new accounts closed",
        "unit": "accounts",
        "direction": "at_least",
        "target": Decimal(10),
        "period_start": date(2026, 11, 1),
        "period_end": date(2026, 11, 30),
        "help_line": "Mention the Premium Support add-on on renewal calls.",
    } | fields
    return services.goal_create(actor=manager, team=team, owner=owner, **values)
