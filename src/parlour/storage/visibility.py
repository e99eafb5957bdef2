"""Who may see what: the access rule every catalogue query applies, written once.

A library that is not granted is simply absent: in rows, in totals and in search.
"""

from typing import Any

from sqlalchemy import Select, select

from parlour.domain.accounts import Viewer
from parlour.storage import schema as s


def visible_libraries(viewer: Viewer) -> Select[Any]:
    """The ids of the libraries ``viewer`` may see, as a subquery."""
    if viewer.is_admin:
        return select(s.libraries.c.id)
    g = s.library_grants.c
    return select(g.library_id).where(g.user_id == viewer.user_id)
