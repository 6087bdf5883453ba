"""Where the documentation lives: each rule's page and the project's README.

There is no public site, so the default base is the repository path of the generated rule
docs, ``docs/rules/`` (relative, as a repository viewer or a clone resolves it).  Set
``SHAPECHECK_DOCS_BASE_URL`` to a full URL (say a repository's web view of ``docs/rules/``)
to make every link absolute.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from urllib.parse import urljoin, urlparse

DOCS_BASE_URL = "docs/rules/"
"""The default base of the rule pages (a repository path)."""

DISTRIBUTION = "keras-shapecheck"
"""The name to ``pip install`` (``shapecheck`` on the package index is another project)."""


def docs_base_url() -> str:
    """The base of the rule pages: ``$SHAPECHECK_DOCS_BASE_URL`` or :data:`DOCS_BASE_URL`, ending in ``/``."""
    base = os.environ.get("SHAPECHECK_DOCS_BASE_URL") or DOCS_BASE_URL
    return base if base.endswith("/") else base + "/"


def rule_url(code: str) -> str:
    """The documentation page of a rule: ``docs/rules/SC102.md`` by default."""
    return _page(docs_base_url(), code)


@lru_cache(maxsize=256)
def _page(base: str, code: str) -> str:
    """``urljoin`` once per base and rule (a report links every finding to its rule's page)."""
    return urljoin(base, f"{code}.md")


def information_url() -> str:
    """The project's README, beside the docs folder: ``README.md`` by default."""
    return urljoin(docs_base_url(), "../../README.md")


def rule_href(code: str) -> str:
    """:func:`rule_url` as an absolute URI (for editors): a relative base is resolved against the
    repository this package was installed from, as a ``file:`` URI."""
    url = rule_url(code)
    if urlparse(url).scheme:
        return url
    return (Path(__file__).resolve().parents[2] / url).as_uri()
