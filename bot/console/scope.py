"""Which cases a member of staff may see and act on.

Agents work for one or more councils (the staff_councils table, kept by supervisors on the
staff page) and see only those councils' cases, plus cases whose council is not known yet,
which belong to nobody else and must still be worked. Supervisors see every case. A case out
of scope answers 404 (not 403), so its reference does not confirm that it exists.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from bot.db.models import Case, Council, StaffCouncil


@dataclass(frozen=True)
class Scope:
    username: str
    supervisor: bool
    councils: frozenset[str]

    def allows(self, council_id: str | None) -> bool:
        return self.supervisor or council_id is None or council_id in self.councils

    def clause(self) -> ColumnElement | None:
        """A WHERE clause on Case for this scope; None when everything is visible."""
        if self.supervisor:
            return None
        return or_(Case.council_id.is_(None), Case.council_id.in_(sorted(self.councils)))

    @property
    def unassigned_agent(self) -> bool:
        return not self.supervisor and not self.councils


def councils_of(session: Session, username: str) -> list[str]:
    return list(session.execute(
        select(StaffCouncil.council_id).where(StaffCouncil.username == username)
        .order_by(StaffCouncil.council_id)
    ).scalars())


def scope_for(session: Session, username: str, role: str) -> Scope:
    return Scope(username=username, supervisor=role == "supervisor",
                 councils=frozenset(councils_of(session, username)))


def set_councils(session: Session, username: str, council_ids: list[str]) -> tuple[list[str],
                                                                                    list[str]]:
    """Replace `username`'s councils with the known ones among `council_ids`; (before, after)."""
    known = set(session.execute(select(Council.id)).scalars())
    before = councils_of(session, username)
    after = sorted({value for value in council_ids if value in known})
    session.execute(delete(StaffCouncil).where(StaffCouncil.username == username))
    session.add_all(StaffCouncil(username=username, council_id=value) for value in after)
    session.flush()
    return before, after


def council_map(session: Session) -> dict[str, list[str]]:
    """username -> council ids, for the staff page."""
    result: dict[str, list[str]] = {}
    for username, council_id in session.execute(
        select(StaffCouncil.username, StaffCouncil.council_id).order_by(StaffCouncil.council_id)
    ):
        result.setdefault(username, []).append(council_id)
    return result


def current_scope(session: Session) -> Scope:
    """The signed-in staff member's scope (role from the session user, councils from the DB)."""
    from flask_login import current_user

    return scope_for(session, current_user.username, current_user.role)
