"""MkDocs: every file under `docs_dir` is part of the site.

Read from `mkdocs.yml`: `docs_dir` (default `docs`), `use_directory_urls`
(default true: `a/b.md` → `/a/b/`, else `/a/b.html`), `site_url`'s path,
and the Material `blog` plugin (`blog_dir`, default `blog`; its posts live
in `<blog_dir>/posts/`). `index.md` and `README.md` serve their folder.
Non-Markdown files under `docs_dir` are served at their path, so `docs_dir`
is the static root. Heading ids follow Python-Markdown's `toc` (and
`pymdownx.slugs`, common with Material); `{#id}` with `attr_list`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from copydesk.site.base import Generator, date_of, relative_parts, strip_index, urlize
from copydesk.site.configfile import first_existing, read_mapping
from copydesk.urls import split_url

CONFIG_NAMES = ("mkdocs.yml", "mkdocs.yaml")


def _names(text: str) -> frozenset[str]:
    return frozenset(text.split())


# What MkDocs's built-in themes (MkDocs 1.6) copy to the site's root besides
# their templates: a page may link them (`img/favicon.ico`) though no file of
# the repository is there.
BUILTIN_THEME_FILES: dict[str, frozenset[str]] = {
    "mkdocs": _names(
        """
        css/base.css css/bootstrap.min.css css/bootstrap.min.css.map css/brands.min.css
        css/fontawesome.min.css css/solid.min.css css/v4-font-face.min.css
        img/favicon.ico img/grid.png
        js/base.js js/bootstrap.bundle.min.js js/bootstrap.bundle.min.js.map js/darkmode.js
        webfonts/fa-brands-400.ttf webfonts/fa-brands-400.woff2
        webfonts/fa-regular-400.ttf webfonts/fa-regular-400.woff2
        webfonts/fa-solid-900.ttf webfonts/fa-solid-900.woff2
        webfonts/fa-v4compatibility.ttf webfonts/fa-v4compatibility.woff2
        """
    ),
    "readthedocs": _names(
        """
        css/theme.css css/theme_extra.css img/favicon.ico
        js/html5shiv.min.js js/jquery-3.6.0.min.js js/theme.js js/theme_extra.js
        css/fonts/Roboto-Slab-Bold.woff css/fonts/Roboto-Slab-Bold.woff2
        css/fonts/Roboto-Slab-Regular.woff css/fonts/Roboto-Slab-Regular.woff2
        css/fonts/lato-bold-italic.woff css/fonts/lato-bold-italic.woff2
        css/fonts/lato-bold.woff css/fonts/lato-bold.woff2
        css/fonts/lato-normal-italic.woff css/fonts/lato-normal-italic.woff2
        css/fonts/lato-normal.woff css/fonts/lato-normal.woff2
        css/fonts/fontawesome-webfont.eot css/fonts/fontawesome-webfont.svg
        css/fonts/fontawesome-webfont.ttf css/fonts/fontawesome-webfont.woff
        css/fonts/fontawesome-webfont.woff2
        """
    ),
}


def _theme_name(theme: Any) -> str:
    """`theme: readthedocs` or `theme: {name: mkdocs, ...}`; MkDocs's own
    theme when the config names none."""
    if theme is None:
        return "mkdocs"
    if isinstance(theme, Mapping):
        return str(theme.get("name") or "")
    return str(theme)


# What MkDocs leaves out when it copies a theme folder to the site (its
# `add_files_from_theme` filter, MkDocs 1.6): templates, Python, readmes,
# dot files, translations and Markdown.
_NOT_COPIED = (".*", "*/.*", "*.py", "*.pyc", "*.html", "*readme*", "mkdocs_theme.yml", "locales/*")
_MARKDOWN = (".markdown", ".mdown", ".mkdn", ".mkd", ".md")


def _custom_dir_files(root: Path, theme: Any) -> frozenset[str]:
    """Files of the theme's `custom_dir` that the build copies to the site's
    root (`overrides/assets/logo.png` is served at `/assets/logo.png`), as
    paths below that root; a page's image or link may name them."""
    from fnmatch import fnmatch

    custom = theme.get("custom_dir") if isinstance(theme, Mapping) else None
    if not custom:
        return frozenset()
    folder = root / str(custom)
    found = set()
    for current, dirs, files in os.walk(folder):
        dirs.sort()
        for name in files:
            path = os.path.relpath(os.path.join(current, name), folder).replace(os.sep, "/")
            lower = path.lower()
            if not any(fnmatch(lower, pattern) for pattern in _NOT_COPIED) and not lower.endswith(
                _MARKDOWN
            ):
                found.add(path)
    return frozenset(found)


def _markdown_hooks(root: Path, hooks: Any) -> list[str]:
    """The `hooks:` files that rewrite a page's Markdown (`on_page_markdown`)
    before it renders: Python copydesk does not run, which may add reference
    definitions and ids (MkDocs Material's `<!-- md:setting x -->`)."""
    found = []
    for hook in hooks if isinstance(hooks, list) else []:
        try:
            text = (root / str(hook)).read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        if "def on_page_markdown" in text:
            found.append(str(hook))
    return found


def _plugins(data: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    found: dict[str, Mapping[str, Any]] = {}
    for item in data.get("plugins") or []:
        if isinstance(item, str):
            found[item] = {}
        elif isinstance(item, Mapping):
            for name, options in item.items():
                found[str(name)] = options if isinstance(options, Mapping) else {}
    return found


@dataclass
class MkDocs(Generator):
    name: ClassVar[str] = "mkdocs"
    templating: ClassVar[str | None] = ""
    url_keys: ClassVar[tuple[str, ...]] = ("slug", "date")
    theme: str = "mkdocs"  # the theme's name (`theme:` or its `name:`)
    custom_files: frozenset[str] = frozenset()  # what the theme's custom_dir adds

    @classmethod
    def load(cls, root: Path) -> MkDocs:
        config_file = first_existing(root, CONFIG_NAMES)
        data = read_mapping(config_file) if config_file else {}
        plugins = _plugins(data)
        extensions = _plugins({"plugins": data.get("markdown_extensions")})
        snippets = extensions.get("pymdownx.snippets") or {}
        bases = snippets.get("base_path") or ["."]
        bases = [bases] if isinstance(bases, str) else [str(b) for b in bases]
        appended = [
            os.path.join(base, str(name))
            for name in snippets.get("auto_append") or []
            for base in bases
            if (root / base / str(name)).is_file()
        ]
        blog = plugins.get("blog", plugins.get("material/blog"))
        blog_dir = str(blog.get("blog_dir", "blog")) if blog is not None else None
        settings: dict[str, Any] = {
            "docs_dir": str(data.get("docs_dir") or "docs"),
            "use_directory_urls": data.get("use_directory_urls", True) is not False,
            "blog_dir": blog_dir,
            "plugins": sorted(plugins),
            "markdown extensions": sorted(extensions),
            "appended to every page": appended,
            "Markdown rewritten by hooks": _markdown_hooks(root, data.get("hooks")),
        }
        base = split_url(str(data.get("site_url") or "")).path.rstrip("/")
        return cls(
            root, config_file, settings, id_styles=("python-markdown",), base_path=base,
            titles_from_h1=True,
            static_dirs=(),
            site_url=str(data.get("site_url") or ""),
            theme=_theme_name(data.get("theme")),
            custom_files=_custom_dir_files(root, data.get("theme")),
        )  # fmt: skip

    def theme_files(self) -> frozenset[str]:
        return BUILTIN_THEME_FILES.get(self.theme, frozenset()) | self.custom_files

    def unread(self) -> list[str]:
        hooks = self.settings["Markdown rewritten by hooks"]
        if not hooks:
            return []
        return [
            f"page Markdown: rewritten by hooks ({', '.join(hooks)}) before it renders; "
            "their references and ids are unknown (no CD107, CD108)"
        ]

    def knows_ids(self) -> bool:
        return not self.settings["Markdown rewritten by hooks"]

    def rewrites_markdown(self) -> bool:
        return bool(self.settings["Markdown rewritten by hooks"])

    @property
    def docs_dir(self) -> Path:
        return (self.root / str(self.settings["docs_dir"])).resolve()

    def content_dirs(self) -> list[Path]:
        return [self.docs_dir]

    def static_roots(self) -> list[tuple[Path, str]]:
        return [(self.docs_dir, "/")]

    def appended_files(self) -> list[Path]:
        return [self.root / name for name in self.settings["appended to every page"]]

    def links_bare_urls(self) -> bool:
        return "pymdownx.magiclink" in self.settings["markdown extensions"]

    def is_post(self, path: Path) -> bool:
        blog_dir = self.settings["blog_dir"]
        parts = relative_parts(path, self.docs_dir)
        if blog_dir is None or parts is None:
            return False
        inner = relative_parts(path, self.docs_dir / blog_dir / "posts")
        return inner is not None

    def urls(self, path: Path, front_matter: Mapping[str, Any]) -> list[str]:
        parts = relative_parts(path, self.docs_dir)
        if parts is None:
            return [self.path_url(path)]
        items = strip_index(parts)
        urls = []
        if self.is_post(path):
            urls.append(self._post_url(path, front_matter))
        if self.settings["use_directory_urls"] or not items[-1]:
            urls.append("/" + "/".join(items) + ("/" if items[-1] else ""))
        else:
            urls.append("/" + "/".join(items) + ".html")
        return urls

    def _post_url(self, path: Path, front_matter: Mapping[str, Any]) -> str:
        """Material's blog default: `<blog_dir>/YYYY/MM/DD/<slug>/`."""
        date_value = front_matter.get("date")
        if isinstance(date_value, Mapping):  # `date: {created: ...}`
            front_matter = {"date": date_value.get("created")}
        date = date_of(front_matter, path.stem)
        title = str(front_matter.get("title") or path.stem)
        slug = str(front_matter.get("slug") or urlize(title))
        day = f"{date.year:04d}/{date.month:02d}/{date.day:02d}/" if date else ""
        return f"/{self.settings['blog_dir']}/{day}{slug}/"
