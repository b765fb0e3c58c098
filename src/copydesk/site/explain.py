"""`copydesk site --explain`: how the model reads one URL, step by step.

The same order as `SiteModel.resolve`, told as it goes, so that a user who
disagrees with a CD101 finding sees which folders and URLs were tried.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from copydesk.site.project import SiteModel


def explain(model: SiteModel, url: str, source: Path) -> list[str]:
    from copydesk.site.project import _served, url_key, url_path

    lines = [f"site: {model.label()} at {model.root}"]
    path = url_path(url)
    if not path:
        return [*lines, f"'{url}' has no path: it points into {source} itself"]
    relative = not path.startswith("/")
    if relative:
        near = os.path.normpath(os.path.join(os.path.dirname(source), path))
        lines.append(f"relative to the file: {near}")
    else:
        stripped = model._strip_base(path)
        if stripped != path:
            lines.append(f"base URL '{model.generator.base_path}' removed: {stripped}")
        for folder, prefix in model.static_roots:
            if stripped.startswith(prefix):
                lines.append(f"static root {folder} (served at {prefix}): "
                             f"{os.path.join(folder, stripped[len(prefix):])}")  # fmt: skip
    if _served(path):
        if relative:
            own = model.url_of(source)
            lines.append(f"the file is served at {own}" if own else "the file has no served URL")
        else:
            key = url_key(model._strip_base(path))
            page = model.page(key)
            lines.append(f"page URL {key}: " + (f"served by {page}" if page else "no page"))
            if page is None and model.generator.virtual(key):
                lines.append(f"{key} is a page {model.label()} makes without a file")
    else:
        lines.append("a Markdown file name: looked up as a file only (no site serves .md)")
    rule = model.redirect_for(path) if not relative else None
    if rule is not None:
        lines.append(f"host rule '{rule.source}' ({rule.where(model.root)}) serves it")
    found = model.resolve(url, source)
    lines.append(f"result: {found}" if found else f"result: not found ({model.looked_in()})")
    return lines
