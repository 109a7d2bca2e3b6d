"""Renumbering ordered items (protocol and prescription items) without tripping
the database's "order is unique within its parent" constraint.

Rows are first moved out of the way in one statement, then given their final
positions 0..n-1, so no two rows ever share a position, on SQLite or PostgreSQL.
"""

from collections.abc import Sequence

from django.db import models, transaction
from django.db.models import F

# Larger than any real position, so shifted rows never meet unshifted ones.
OUT_OF_THE_WAY = 1_000_000


@transaction.atomic
def set_positions(items: models.QuerySet, ordered_pks: Sequence[int]) -> None:
    """Give the rows of ``items`` (one parent's items) positions 0..n-1 in ``ordered_pks`` order."""
    items.update(order=F("order") + OUT_OF_THE_WAY)
    for position, pk in enumerate(ordered_pks):
        items.filter(pk=pk).update(order=position)


def close_gaps(items: models.QuerySet) -> None:
    """Renumber one parent's items 0..n-1, keeping their current order."""
    pks = list(items.order_by("order", "pk").values_list("pk", flat=True))
    set_positions(items, pks)
