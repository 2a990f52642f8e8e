"""The admin pages a municipal team works with, listed on the admin overview.

Each admin feature adds its entry page here when it registers (``add_page``), so that the
overview links to every page without knowing the features.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app


@dataclass(frozen=True)
class AdminPage:
    endpoint: str
    label: object  # a lazy text
    description: object = None
    order: int = 100


_PAGES: list[AdminPage] = []


def add_page(endpoint: str, label, description=None, order: int = 100) -> None:
    if all(page.endpoint != endpoint for page in _PAGES):
        _PAGES.append(AdminPage(endpoint, label, description, order))


def admin_pages() -> list[AdminPage]:
    """The registered pages whose view exists in this app, in their order."""
    views = current_app.view_functions
    return sorted((page for page in _PAGES if page.endpoint in views), key=lambda page: (page.order, page.endpoint))
