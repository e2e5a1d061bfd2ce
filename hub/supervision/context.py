"""What every supervision page needs: the rules (from the registry file), the date
asked for, and which units the signed-in user may see."""
from __future__ import annotations

from datetime import date

from flask import abort, current_app, flash, g, request

from hub.harvest.registry_file import read_registry
from hub.supervision import OFFICE_ROLES
from supervision.status import Scope


def current_scope() -> Scope:
    """The registry's supervision rules; the national defaults while the registry is unreadable."""
    registry = read_registry()
    if registry.valid:
        return Scope.of(registry.registry)
    return Scope(tz=current_app.config["TIMEZONE"])


def asked_date() -> date | None:
    raw = (request.args.get("at") or "").strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        flash(f"日期“{raw[:20]}”无效，请用 YYYY-MM-DD 格式；下面是今天的结论。", "error")
        return None


def may_see(unit_id: str) -> None:
    """Editors and admins see every unit; a reporter only their own (else 403)."""
    if g.user.role in OFFICE_ROLES:
        return
    if g.user.role == "reporter" and g.user.unit_id == unit_id:
        return
    abort(403)
