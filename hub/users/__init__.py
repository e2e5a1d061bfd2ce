"""用户管理 (administrators only): accounts, roles, units, deactivation, passwords and API tokens."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("users", __name__)

from hub.users import views  # noqa: E402,F401  (routes register on bp)
