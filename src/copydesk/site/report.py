"""`copydesk site [PATH] [--explain URL-or-FILE]`: what the site model sees.

Without `--explain`: the generator detected, the config file and the
settings read from it, the content and static folders, and counts of
Markdown files, published pages, posts, URLs and static files. With
`--explain FILE`: whether the file is published, a post, which URLs serve it
and which ids it offers. With `--explain URL`: each step `resolve` takes,
from the file given with `--from` (default: the site's root).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from copydesk.site.detect import find_site
from copydesk.site.project import SiteModel, load_site


def run(args: argparse.Namespace) -> int:
    start = Path(args.path)
    if not start.exists():
        print(f"copydesk: {start}: no such file or folder", file=sys.stderr)
        return 2
    folder = start if start.is_dir() else start.parent
    root, _ = find_site(os.path.abspath(folder))
    model = load_site(root, args.generator or "auto")
    if args.explain:
        print("\n".join(explain_target(model, args.explain, args.source)))
    else:
        print("\n".join(summary(model)))
    return 0


def summary(model: SiteModel) -> list[str]:
    generator = model.generator
    lines = [
        f"site: {model.root}",
        f"generator: {model.label()}"
        + (f" (config: {_short(model, generator.config_file)})" if generator.config_file else ""),
    ]
    if generator.base_path:
        lines.append(f"base URL path: {generator.base_path}")
    for label, value in generator.describe():
        lines.append(f"  {label}: {value}".rstrip())
    lines.append(
        "content folders: " + ", ".join(_short(model, f) for f in generator.content_dirs())
    )
    statics = [f"{_short(model, folder)} at {prefix}" for folder, prefix in model.static_roots
               if folder.is_dir()]  # fmt: skip
    lines.append("static folders: " + (", ".join(statics) or "none"))
    lines.append("heading ids: " + ", ".join(model.id_styles))
    for line in generator.unread():
        lines.append(f"not read (in code): {line}")
    rules = model.host_redirects
    if rules:
        names = sorted({_short(model, rule.file) for rule in rules})
        lines.append(f"host redirects: {len(rules)} rules ({', '.join(names)})")
    files = list(model.markdown_files())
    published = model.posts()
    posts = [path for path in published if model.is_post(path)]
    lines.append(
        f"files: {len(files)} Markdown, {len(published)} published "
        f"({len(posts)} posts, {len(published) - len(posts)} pages), "
        f"{len(model.url_index)} URLs, {_count_static(model)} static files"
    )
    return lines


def explain_target(model: SiteModel, target: str, source: str | None) -> list[str]:
    path = Path(target)
    if path.is_file() and not target.startswith("/"):
        return explain_file(model, path.resolve())
    origin = Path(source).resolve() if source else model.root / "index.md"
    return model.explain(target, origin)


def explain_file(model: SiteModel, path: Path) -> list[str]:
    urls = sorted(key for key, file in model.url_index.items() if file == path)
    lines = [
        f"site: {model.label()} at {model.root}",
        f"file: {_short(model, path)}",
        f"published: {'yes' if model.is_published(path) else 'no'}",
        f"post: {'yes (post metadata rules apply)' if model.is_post(path) else 'no (a page)'}",
    ]
    reason = model.generator.post_reason(path)
    if reason:
        lines[-1] = f"post: {'yes' if model.is_post(path) else 'no'} ({reason})"
    text = _text_verdict(model, path)
    if text:
        lines[2:4] = [text]
    if model.variant(path):
        lines.append(f"language or version: {model.variant(path)}")
    lines.append(f"own URL: {model.url_of(path) or 'none'}")
    if len(urls) > 1:
        lines.append("also served at: " + ", ".join(u for u in urls if u != model.url_of(path)))
    lines.append("ids: " + " ".join(sorted(model.ids(path))))
    return lines


def _text_verdict(model: SiteModel, path: Path) -> str:
    """For a `.txt` or `.text` file in a generator's site that does not render
    plain text: why a folder lint leaves it out ("" otherwise)."""
    from copydesk.discover import TEXT_SUFFIXES

    suffix = path.suffix.lower()
    if suffix not in TEXT_SUFFIXES or model.generator.renders_text(suffix):
        return ""
    return (
        f"post: no, not content ({model.label()} makes no page of a {suffix} file): "
        "a folder lint skips it; named on the command line, it is linted"
    )


def _count_static(model: SiteModel) -> int:
    count = 0
    for folder, _ in model.static_roots:
        if folder == model.root or not folder.is_dir():
            continue  # the root itself holds everything; its files are not all static
        for _, dirs, files in os.walk(folder):
            dirs[:] = [d for d in dirs if not d.startswith(".") and d != "node_modules"]
            count += sum(1 for name in files if not name.endswith((".md", ".markdown", ".mdx")))
    return count


def _short(model: SiteModel, path: Path | None) -> str:
    if path is None:
        return ""
    relative = os.path.relpath(path, model.root).replace(os.sep, "/")
    suffix = "/" if path.is_dir() else ""
    return "./" if relative == "." else relative + suffix
