"""The site model: what the generator will publish, and where.

Rules ask `SiteModel` (see `copydesk.site.project` for its API) through
`project_for`; each generator's rules live in a module of their own
(`jekyll`, `hugo`, `mkdocs`, `docusaurus`, `eleventy`; `base` is a plain
folder), `detect` finds the site a file belongs to, `ids` gives heading ids.
"""

from copydesk.site.base import DEFAULT_STATIC_DIRS, MARKDOWN_SUFFIXES, Generator
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
    GENERATORS,
    PostFacts,
    Project,
    SiteModel,
    expand_permalink,
    find_site_root,
    is_local,
    load_site,
    project_for,
    site_root,
    strip_base_url,
    url_key,
    url_path,
)

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
