"""The site model: what the generator will publish, and where.

Rules ask `SiteModel` (see `copydesk.site.project` for its API) through
`project_for`; each generator's rules live in a module of their own
(`jekyll`, `hugo`, `mkdocs`, `docusaurus`, `eleventy`; `base` is a plain
folder), `detect` finds the site a file belongs to, `ids` gives heading ids.
"""

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from copydesk.site.base import DEFAULT_STATIC_DIRS, MARKDOWN_SUFFIXES, Generator
    from copydesk.site.detect import GENERATORS, site_root
    from copydesk.site.ids import (
        anchors_of,
        github_slug,
        heading_ids,
        heading_text,
        hugo_slug,
        kramdown_slug,
        python_markdown_slug,
    )
    from copydesk.site.project import (
        PostFacts,
        Project,
        SiteModel,
        expand_permalink,
        find_site_root,
        is_local,
        load_site,
        project_for,
        strip_base_url,
        url_key,
        url_path,
    )

# Each name from the module that defines it, imported on first use (PEP 562): a
# warm lint cache run asks `detect` for site roots and needs no site model.
_FROM = {
    "DEFAULT_STATIC_DIRS": "base",
    "GENERATORS": "detect",
    "Generator": "base",
    "MARKDOWN_SUFFIXES": "base",
    "PostFacts": "project",
    "Project": "project",
    "SiteModel": "project",
    "anchors_of": "ids",
    "expand_permalink": "project",
    "find_site_root": "project",
    "github_slug": "ids",
    "heading_ids": "ids",
    "heading_text": "ids",
    "hugo_slug": "ids",
    "is_local": "project",
    "kramdown_slug": "ids",
    "load_site": "project",
    "project_for": "project",
    "python_markdown_slug": "ids",
    "site_root": "detect",
    "strip_base_url": "project",
    "url_key": "project",
    "url_path": "project",
}


def __getattr__(name: str) -> Any:
    if name not in _FROM:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{_FROM[name]}"), name)
    globals()[name] = value
    return value


__all__ = [
    "DEFAULT_STATIC_DIRS",
    "GENERATORS",
    "MARKDOWN_SUFFIXES",
    "Generator",
    "PostFacts",
    "Project",
    "SiteModel",
    "anchors_of",
    "expand_permalink",
    "find_site_root",
    "github_slug",
    "heading_ids",
    "heading_text",
    "hugo_slug",
    "is_local",
    "kramdown_slug",
    "load_site",
    "project_for",
    "python_markdown_slug",
    "site_root",
    "strip_base_url",
    "url_key",
    "url_path",
]
