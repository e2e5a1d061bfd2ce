"""Who may see and act on which letter.

The portal office (editors, admins) sees every letter.  A unit's reporters see the
letters dispatched to their unit and nothing else: any other id is "not found" for
them, so ids reveal nothing.  Nobody else sees a letter through the hub or the API.
"""
from __future__ import annotations

from sqlalchemy import Select, false

from interaction.models import Letter

OFFICE = ("admin", "editor")  # the portal office (门户办)
UNIT = ("reporter",)


def is_office(user) -> bool:
    return user is not None and user.active and user.role in OFFICE


def is_unit_of(user, letter: Letter) -> bool:
    return (user is not None and user.active and user.role in UNIT and user.unit_id is not None
            and letter.unit_id == user.unit_id)


def visible(user, query: Select) -> Select:
    if is_office(user):
        return query
    if user is not None and user.active and user.role in UNIT and user.unit_id:
        return query.where(Letter.unit_id == user.unit_id)
    return query.where(false())


def can_see(user, letter: Letter) -> bool:
    return is_office(user) or is_unit_of(user, letter)
