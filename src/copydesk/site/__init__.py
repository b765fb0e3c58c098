"""The site model: what the generator will publish, and where.

`copydesk.site` is a package so that each generator's rules live in a module
of their own; this module is its public face.
"""

from copydesk.site.project import (
    DEFAULT_STATIC_DIRS,
    GENERATORS,
    MARKDOWN_SUFFIXES,
    PostFacts,
    Project,
    anchors_of,
    expand_permalink,
    find_site_root,
    github_slug,
    heading_ids,
    heading_text,
    hugo_slug,
    is_local,
    kramdown_slug,
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
    "PostFacts",
    "Project",
    "anchors_of",
    "expand_permalink",
    "find_site_root",
    "github_slug",
    "heading_ids",
    "heading_text",
    "hugo_slug",
    "is_local",
    "kramdown_slug",
    "project_for",
    "site_root",
    "strip_base_url",
    "url_key",
    "url_path",
]
