"""Accounts, login and logout, roles, CSRF and session cookies, login throttling.

Public helpers for other features: `current_user()`, `editor_required`,
`admin_required`, `has_role`.
"""

from __future__ import annotations

from .sessions import (
    admin_required,
    current_user,
    editor_required,
    has_role,
    login_user,
    logout_user,
)

__all__ = [
    "admin_required",
    "current_user",
    "editor_required",
    "has_role",
    "login_user",
    "logout_user",
]
