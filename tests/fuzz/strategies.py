"""Hypothesis strategies that build hostile-but-plausible posts from small pieces.

A post is front matter (YAML, TOML, broken or none) plus blocks (headings,
lists, quotes, tables, fences, HTML, Liquid, shortcodes, WordPress captions,
Medium figcaptions, reference definitions…) made of inlines (links, images,
code, entities, control characters). Whole-document transforms then pick the
line endings, a BOM, the final newline. Prose words come from `VOCAB`, made-up
words that appear in no rule message or boilerplate, so that a property can
follow every one of them from the input into the output.

Every strategy here is composable: `documents()` is built from `front_matter()`
and `body()`, which are built from `block()` and `inline()`, and each can be
used alone or mixed into a mutated fixture (see `mutations.py`).
"""

from __future__ import annotations

import re

from hypothesis import strategies as st

# Made-up words: none is English, a rule message, a YAML keyword or platform boilerplate.
VOCAB = (
    "quillon",
    "marbeck",
    "tovish",
    "zandrel",
    "plomary",
    "virtask",
    "oxbelt",
    "fenrique",
    "gadwump",
    "hestral",
    "brindok",
    "celvane",
    "drumpet",
    "yorvick",
    "skellum",
    "nubrine",
)
VOCAB_RE = re.compile(r"\w+")

NEWLINES = ("\n", "\r\n", "\r")

# Characters that have broken text tools before: C0 controls, DEL, C1 NEL,
# Unicode line/paragraph separators, zero-width and BOM-in-the-middle, a
# private-use character (the parser's own template filler), astral emoji.
ODD_CHARS = (
    "\x00",
    "\x01",
    "\x07",
    "\x08",
    "\x0b",
    "\x0c",
    "\x1b",
    "\x1f",
    "\x7f",
    "\x85",
    "\u00a0",
    "\u2028",
    "\u2029",
    "\u200b",
    "\u200d",
    "\ufeff",
    "\ue000",
    "\ufffd",
    "\U0001f40d",
    "\u0301",
    "\t",
    "\\",
)

word = st.sampled_from(VOCAB)
odd_char = st.sampled_from(ODD_CHARS)


def words(min_size: int = 1, max_size: int = 4) -> st.SearchStrategy[str]:
    return st.lists(word, min_size=min_size, max_size=max_size).map(" ".join)


# ---------------------------------------------------------------- inline

url = st.one_of(
    st.sampled_from(
        (
            "other.md",
            "../up/there.md",
            "/abs/path/",
            "#section",
            "https://example.com/page",
            "https://example.com/a?utm_source=medium&amp;utm_medium=referral",
            "http://old.example.com/?p=42",
            "mailto:someone@example.com",
            "",
            "<>",
            "<with space.md>",
            "{{ site.baseurl }}/x.md",
            "{% link _posts/2020-01-01-x.md %}",
            "images/0*abc.jpg",
            "/images/pic.png",
            "x.md#frag",
            "(paren)",
            "%zz",
            "https://[::1",
            "javascript:alert(1)",
        )
    ),
    word.map(lambda w: f"{w}.md"),
    word.map(lambda w: f"{w}.md#{w}"),
    word.map(lambda w: f"/{w}/"),
    word.map(lambda w: f"{w}.html"),
    word.map(lambda w: f"https://{w}.example/{w}?utm_campaign={w}"),
)
title_attr = st.sampled_from(("", ' "a title"', " 'single'", " (paren)", ' "unclosed'))

emphasis = st.tuples(st.sampled_from(("*", "**", "_", "__", "~~", "***")), words(1, 2)).map(
    lambda t: f"{t[0]}{t[1]}{t[0]}"
)
code_span = st.tuples(st.sampled_from(("`", "``")), st.sampled_from((*VOCAB, "<b>", "[x](y)"))).map(
    lambda t: f"{t[0]}{t[1]}{t[0]}"
)
link = st.one_of(
    st.builds(lambda text, u, t: f"[{text}]({u}{t})", words(0, 2), url, title_attr),
    st.builds(
        lambda text, r: f"[{text}][{r}]", words(0, 2), st.sampled_from(("r", "R", "", "x y"))
    ),
    st.builds(lambda r: f"[{r}]", st.sampled_from(("r", "missing", ""))),
    url.map(lambda u: f"<{u}>"),
    st.just("https://bare.example/path?utm_source=x"),
    st.builds(lambda text, u: f"[{text}]({u}", words(1, 2), url),  # unclosed
    st.builds(lambda text: f"[{text}](here)", words(1, 1)),  # a link lost in an export
)
image = st.one_of(
    st.builds(lambda alt, u, t: f"![{alt}]({u}{t})", words(0, 2), url, title_attr),
    st.builds(lambda alt: f"![{alt}][r]", words(0, 2)),
    st.builds(lambda inner, u: f"[![{inner}]({u})]({u})", words(0, 1), url),
)
inline_html = st.sampled_from(
    (
        "<br>",
        "<br/>",
        "<span class='x'>",
        "</span>",
        '<a href="other.md">',
        "</a>",
        '<img src="/x.png">',
        '<img src="/x.png" alt="">',
        "<em>",
        "<!-- note -->",
        "<!-- copydesk: disable CD101 -->",
        "<!-- copydesk-disable-line CD101 -->",
        "<!-- copydesk-disable-line missing-link-target, CD203 -->",
        "<!-- copydesk-disable-next-line -->",
        "<!-- copydesk-disabel CD101 -->",
        "<!-- copydesk-disable CD999 -->",
        "<figcaption>",
        "</figcaption>",
        "<",
        "&lt;",
    )
)
entity = st.sampled_from(
    ("&amp;", "&nbsp;", "&#8217;", "&#x2014;", "&bogus;", "&#0;", "&#99999999;", "&")
)
liquid = st.one_of(
    st.builds(lambda w: f"{{{{ page.{w} }}}}", word),
    st.sampled_from(
        (
            "{% link _posts/2020-01-01-x.md %}",
            "{% post_url 2020-01-01-x %}",
            "{% include note.html %}",
            "{{ site.baseurl }}",
            "{% raw %}{{ x }}{% endraw %}",
            "{%",
            "{{",
            "}}",
            "{% if x %}",
        )
    ),
)
shortcode = st.one_of(
    st.builds(lambda w: f'{{{{< figure src="/{w}.png" caption="{w}" >}}}}', word),
    st.sampled_from(('{{% ref "x.md" %}}', "{{< youtube abc >}}", "{{<", '[gallery ids="1,2"]')),
)
footnote = st.sampled_from(("[^1]", "[^note]", "[^]"))

inline_piece = st.one_of(
    words(1, 3),
    words(1, 3),
    emphasis,
    code_span,
    link,
    image,
    inline_html,
    entity,
    liquid,
    shortcode,
    footnote,
    odd_char,
    st.sampled_from(("  ", "\\", "*", "_", "[", "]", "(", ")", "!", "|", "#", ">", "`")),
)


def inline(max_pieces: int = 5) -> st.SearchStrategy[str]:
    """A run of inline content on one line."""
    return st.lists(inline_piece, min_size=1, max_size=max_pieces).map(" ".join)


# ---------------------------------------------------------------- blocks

atx_heading = st.builds(
    lambda level, text, closing: f"{'#' * level}{' ' + text if text else ''}{closing}",
    st.integers(1, 7),
    st.one_of(st.just(""), inline(3)),
    st.sampled_from(("", " #", " ##", " {#custom-id}", " {: #kd-id}")),
)
setext_heading = st.builds(
    lambda text, rule: f"{text}\n{rule}", inline(3), st.sampled_from(("===", "---", "=", "-"))
)
paragraph = st.lists(inline(6), min_size=1, max_size=3).map("\n".join)
ref_definition = st.builds(
    lambda label, u, t: f"[{label}]: {u}{t}",
    st.sampled_from(("r", "R", "x y", "missing", "")),
    url,
    title_attr,
)
fence = st.builds(
    lambda marker, info, body, closed: (
        f"{marker}{info}\n{body}" + (f"\n{marker}" if closed else "")
    ),
    st.sampled_from(("```", "~~~", "````")),
    st.sampled_from(("", "python", "html", "markdown", " liquid", "{.x}")),
    st.lists(
        st.one_of(
            inline(4), st.sampled_from(("<figcaption>x</figcaption>", "[caption]x[/caption]"))
        ),
        max_size=3,
    ).map("\n".join),
    st.booleans(),
)
indented_code = inline(3).map(lambda text: f"    {text}")
table = st.builds(
    lambda cols, rows: "\n".join(
        [
            "| " + " | ".join(cols) + " |",
            "|" + "|".join(["---"] * len(cols)) + "|",
            *("| " + " | ".join(row) + " |" for row in rows),
        ]
    ),
    st.lists(words(1, 1), min_size=1, max_size=3),
    st.lists(st.lists(inline(2), min_size=0, max_size=4), max_size=3),
)
html_block = st.one_of(
    st.sampled_from(
        (
            "<div>\nraw html block\n</div>",
            "<!--more-->",
            "<p>&nbsp;</p>",
            "<!-- copydesk: disable CD201 -->",
            "<!-- copydesk-disable CD104 CD201 -->",
            "<!-- copydesk-enable -->",
            "<!-- copydesk-enable CD104 -->",
            "<!-- copydesk-disable-file -->",
            "<!-- copydesk-disable-next-line hotlinked-image -->",
            "[^1]: a footnote with a [link](other.md)",
            "[^note]:\n    indented footnote text",
            "<details>\n<summary>More</summary>\n\n[inside](other.md)\n\n</details>",
            '<img src="/a.png">',
            '<a href="other.md"><img src="x.png" alt=""></a>',
            "<!--",
            "<script>\nlet x = '[a](b.md)';\n</script>",
            "<table><tr><td>cell</td></tr></table>",
        )
    ),
    st.builds(
        lambda alt, u, cap: (
            f'<figure><img src="{u}" alt="{alt}"><figcaption>{cap}</figcaption></figure>'
        ),
        words(0, 2),
        url,
        inline(3),
    ),
)
figcaption = st.builds(
    lambda alt, u, cap, cls: f"![{alt}]({u})\n\n<figcaption{cls}>{cap}</figcaption>",
    words(0, 2),
    url,
    st.one_of(
        inline(3),
        st.builds(
            lambda who, w: (
                f'Photo by <a href="https://unsplash.com/@{w}?utm_source=medium&amp;utm_medium=referral"'
                f' data-href="https://unsplash.com/@{w}" class="markup--anchor">{who}</a>'
                f' on&nbsp;<a href="https://unsplash.com?utm_source=medium">Unsplash</a>'
            ),
            words(1, 2),
            word,
        ),
    ),
    st.sampled_from(("", ' class="imageCaption"', " class='x'")),
)
wp_caption = st.builds(
    lambda attrs, u, alt, cap, close: (
        f'[caption{attrs}]<img src="{u}" alt="{alt}" width="300" /> {cap}{close}'
    ),
    st.sampled_from(("", ' id="attachment_7" align="aligncenter" width="300"', ' caption="x"')),
    url,
    words(0, 2),
    inline(3),
    st.sampled_from(("[/caption]", "", "[/caption][/caption]")),
)
liquid_block = st.one_of(
    st.builds(
        lambda lang, body: f"{{% highlight {lang} %}}\n{body}\n{{% endhighlight %}}",
        st.sampled_from(("python", "ruby", "")),
        inline(3),
    ),
    st.builds(lambda body: f"{{% raw %}}\n{body}\n{{% endraw %}}", inline(3)),
    st.builds(lambda body: f"{{% comment %}}\n{body}", inline(2)),  # never closed
)
thematic_break = st.sampled_from(("---", "***", "___", "—–", "* * *", "- - -"))
boilerplate = st.sampled_from(
    (
        "Leave a Reply",
        "Your email address will not be published. Required fields are marked *",
        "This site uses Akismet to reduce spam.",
        "About the Author\n\nquillon marbeck writes.",
    )
)


@st.composite
def _list_block(draw: st.DrawFn, depth: int = 0) -> str:
    marker = draw(st.sampled_from(("-", "*", "+", "1.", "2)", "- [ ]", "- [x]")))
    indent = " " * draw(st.sampled_from((0, 1, 2, 3, 4))) if depth else ""
    items = []
    for _ in range(draw(st.integers(1, 3))):
        item = f"{indent}{marker} {draw(inline(4))}"
        if depth < 2 and draw(st.integers(0, 4)) == 0:
            nested = draw(_list_block(depth + 1))
            item += "\n" + "\n".join("  " + line for line in nested.split("\n"))
        items.append(item)
    separator = draw(st.sampled_from(("\n", "\n\n")))
    return separator.join(items)


list_block = _list_block()
# Deep nesting, as a hostile or broken export writes it: recursion limits live here.
deep_block = st.builds(
    lambda kind, depth, text: {
        "quote": ">" * depth + " " + text,
        "list": "\n".join("  " * i + "- " + text for i in range(depth)),
        "brackets": "[" * depth + text + "]" * depth + "(x.md)",
        "emphasis": "*" * depth + text + "*" * depth,
        "html": "<div>" * depth + text + "</div>" * depth,
    }[kind],
    st.sampled_from(("quote", "list", "brackets", "emphasis", "html")),
    st.integers(8, 400),
    words(1, 2),
)
leaf_block = st.one_of(
    paragraph,
    paragraph,
    atx_heading,
    setext_heading,
    list_block,
    ref_definition,
    fence,
    indented_code,
    table,
    html_block,
    figcaption,
    wp_caption,
    liquid_block,
    shortcode,
    thematic_break,
    boilerplate,
    deep_block,
)


@st.composite
def _quote(draw: st.DrawFn) -> str:
    inner = draw(st.lists(leaf_block, min_size=1, max_size=3).map("\n\n".join))
    prefix = draw(st.sampled_from(("> ", ">", "> > ", " > ")))
    lazy = draw(st.booleans())
    lines = inner.split("\n")
    # A lazy continuation line drops its prefix, as people write quotes by hand.
    return "\n".join(
        line if lazy and i and i == len(lines) - 1 else prefix + line
        for i, line in enumerate(lines)
    )


block = st.one_of(leaf_block, leaf_block, leaf_block, _quote())


def body(max_blocks: int = 6) -> st.SearchStrategy[str]:
    """Blocks separated by one or two newlines (one newline lets blocks run together)."""
    return st.lists(
        st.tuples(block, st.sampled_from(("\n\n", "\n\n", "\n", "\n\n\n"))),
        min_size=0,
        max_size=max_blocks,
    ).map(lambda parts: "".join(text + sep for text, sep in parts))


# ---------------------------------------------------------------- front matter

yaml_date = st.one_of(
    st.dates().map(str),
    st.sampled_from(
        (
            "2016-03-23",
            "2019-08-13T17:55:36.539Z",
            "'2019-08-13T17:55:36.539Z'",
            "2020-01-01 10:00:00 +0200",
            "2020-01-01 10:00:00 -0000",
            "2020-01-01 10:00:00 GMT-2",
            "2020-01-01 10:00:00",
            "2020-01-01T10:00:00+05:30",
            "2019-01-01 25:61:00",
            "2019-13-01",
            "2019-02-30",
            "0000-01-01",
            "9999-12-31T23:59:59Z",
            "2020-1-1",
            "1577836800",
            "yesterday",
            "''",
            "~",
            "[2020-01-01]",
            "{a: 1}",
            "2020-01-01T10:00:00.123456789+01:00",
        )
    ),
)
yaml_scalar = st.one_of(
    words(1, 3),
    st.sampled_from(
        (
            "''",
            '""',
            "~",
            "null",
            "yes",
            "no",
            "on",
            "0x1F",
            "1e400",
            "9" * 60,
            ".nan",
            "-.inf",
            "'quoted: colon'",
            '"esc \\u263A \\x07 \\0"',
            "&anchor value",
            "*anchor",
            "!!python/object/apply:os.system ['true']",
            "!ruby/object:Foo x",
            "! plain",
            "!!binary aGVsbG8=",
            "!!str 12",
            "|\n  block quillon\n  text",
            ">-\n  folded marbeck\n  text",
            "[a, b, '']",
            "[]",
            "{}",
            "{x: [1, {y: z}]}",
            "- a\n  - b",
            "\t tab",
            "'unterminated",
            "@at",
            "`tick",
            "%percent",
        )
    ),
    odd_char.map(lambda c: f"raw{c}char"),
)
yaml_list = st.one_of(
    st.lists(words(1, 2), max_size=3).map(lambda items: "[" + ", ".join(items) + "]"),
    st.lists(
        st.one_of(words(1, 2), st.sampled_from(("", "''", "~", "1"))), min_size=1, max_size=3
    ).map(lambda items: "".join(f"\n  - {item}" for item in items)),
    words(1, 3).map(lambda text: text.replace(" ", ", ")),
)
yaml_map = st.sampled_from(
    (
        "\n  name: quillon marbeck\n  url: https://example.com",
        "\n  display_name: tovish\n  email: x@example.com",
        "\n  image: /img/header.png\n  teaser: /img/t.png",
        "\n  src: /img/a.png\n  alt: zandrel",
        "\n  - name: plomary\n  - name: ''",
        "\n  nested:\n    deeper:\n      deepest: virtask",
        "\n  disable: [CD203, missing-link-target]",
        "\n  disable: CD101",
        "\n  enable: [CD101]",
    )
)
KNOWN_KEYS = (
    "title",
    "date",
    "updated",
    "slug",
    "description",
    "excerpt",
    "summary",
    "subtitle",
    "tags",
    "keywords",
    "categories",
    "category",
    "image",
    "header",
    "thumb_img_path",
    "cover",
    "feature_image",
    "author",
    "authors",
    "canonical_url",
    "canonical",
    "layout",
    "draft",
    "published",
    "status",
    "permalink",
    "redirect_from",
    "aliases",
    "url",
    "wordpress_url",
    "template",
    "source",
    "extra",
    "copydesk",
    "published_at",
    "pubDate",
    "lastmod",
    "last_modified_at",
)
key = st.one_of(
    st.sampled_from(KNOWN_KEYS),
    word,
    st.sampled_from(("weird key", "'quoted'", "x:y", "? complex", "-", "Title", "DATE", "ключ")),
)


@st.composite
def yaml_entry(draw: st.DrawFn) -> str:
    name = draw(key)
    if name in ("date", "updated", "published_at", "pubDate", "lastmod", "last_modified_at"):
        value = draw(st.one_of(yaml_date, yaml_scalar))
    elif name in ("tags", "categories", "keywords", "category", "aliases", "redirect_from"):
        value = draw(st.one_of(yaml_list, yaml_scalar))
    elif name in ("image", "header", "author", "authors", "source", "extra", "copydesk"):
        value = draw(st.one_of(yaml_map, yaml_scalar, url))
    elif name in ("draft", "published"):
        value = draw(st.sampled_from(("true", "false", "yes", "'false'", "0", "")))
    else:
        value = draw(st.one_of(yaml_scalar, words(1, 4), url))
    separator = draw(st.sampled_from((": ", ": ", ":", ":  ", " : ", ":\t")))
    return f"{name}{separator}{value}"


@st.composite
def yaml_front_matter(draw: st.DrawFn) -> str:
    entries = draw(st.lists(yaml_entry(), max_size=6))
    if draw(st.integers(0, 3)):  # usually a title, as real posts have
        title = draw(st.one_of(words(1, 4), yaml_scalar))
        entries.insert(draw(st.integers(0, len(entries))), f"title: {title}")
    closer = draw(st.sampled_from(("---", "---", "...", "--- ", "----", "")))
    opener = draw(st.sampled_from(("---", "---", "--- ", "---yaml")))
    return opener + "\n" + "".join(entry + "\n" for entry in entries) + closer


@st.composite
def toml_front_matter(draw: st.DrawFn) -> str:
    entries = [f'title = "{draw(words(1, 3))}"'] if draw(st.booleans()) else []
    entries += draw(
        st.lists(
            st.sampled_from(
                (
                    "date = 2022-02-14T18:00:00-05:00",
                    "date = 2022-02-14",
                    "date = 1979-05-27T07:32:00",
                    'tags = ["hugo", "quillon"]',
                    "draft = true",
                    'slug = "Not A Slug"',
                    "[params]\nx = 1",
                    'title = """multi\nline"""',
                    "title = 12",
                    "x = [[[[[[1]]]]]]",
                    "broken = ",
                    "date = 2019-13-45",
                )
            ),
            max_size=3,
        )
    )
    return "+++\n" + "".join(entry + "\n" for entry in entries) + "+++"


front_matter = st.one_of(
    st.just(""),
    yaml_front_matter(),
    yaml_front_matter(),
    toml_front_matter(),
    st.sampled_from(
        ("---\n---", "---", "+++", "---\n: :\n---", "---\n- a list\n---", "---\n'x'\n---")
    ),
)


# ---------------------------------------------------------------- whole documents


def _with_odd_chars(text: str, draw: st.DrawFn) -> str:
    """Drop a few odd characters at arbitrary offsets (inside words, fences, front matter)."""
    for _ in range(draw(st.integers(0, 2))):
        at = draw(st.integers(0, len(text)))
        text = text[:at] + draw(odd_char) + text[at:]
    return text


@st.composite
def document_text(draw: st.DrawFn, max_blocks: int = 6) -> str:
    """Front matter plus body as LF text, before line endings and encoding are chosen."""
    head = draw(front_matter)
    text = draw(body(max_blocks))
    if head:
        text = head + draw(st.sampled_from(("\n", "\n\n"))) + text
    if draw(st.integers(0, 4)) == 0:
        text = _with_odd_chars(text, draw)
    return text


@st.composite
def encode(draw: st.DrawFn, text: str) -> bytes:
    """Choose line endings (LF, CRLF, CR or mixed), a final newline or not, a BOM or not."""
    text = text.rstrip("\n") if draw(st.booleans()) else text
    if not text.endswith("\n") and draw(st.booleans()):
        text += "\n"
    style = draw(st.sampled_from(("\n", "\n", "\r\n", "\r", "mixed")))
    if style == "mixed":
        lines = text.split("\n")
        text = "".join(
            line + (draw(st.sampled_from(NEWLINES)) if i < len(lines) - 1 else "")
            for i, line in enumerate(lines)
        )
    elif style != "\n":
        text = text.replace("\n", style)
    if draw(st.integers(0, 5)) == 0:
        text = text.rstrip() + draw(st.sampled_from((" ", "\t", "  \n", "\\")))
    encoding = draw(st.sampled_from(("utf-8",) * 12 + ("mojibake", "latin-1")))
    if encoding == "mojibake":  # UTF-8 once read as cp1252 and saved again, as old exports are
        data = text.encode("utf-8").decode("cp1252", "replace").encode("utf-8")
    else:
        data = text.encode(encoding, "replace")
    return b"\xef\xbb\xbf" + data if draw(st.integers(0, 5)) == 0 else data


@st.composite
def documents(draw: st.DrawFn, max_blocks: int = 6) -> bytes:
    """One post file's bytes."""
    return draw(encode(draw(document_text(max_blocks))))


# ---------------------------------------------------------------- sites

_SITE_CONFIGS = {
    "jekyll": (
        "_config.yml",
        (
            "title: A blog\n",
            "baseurl: /blog\npermalink: /:year/:month/:title/\n",
            "url: https://example.com\nbaseurl: ''\npermalink: pretty\n",
            "baseurl: https://[::1\npermalink: /:categories/:title\n",
            "collections:\n  notes:\n    output: true\n",
            "permalink: [not, a, string]\n",
            ": broken\n",
        ),
    ),
    "hugo": (
        "hugo.toml",
        (
            'baseURL = "https://example.com/"\n',
            'baseURL = "https://example.com/sub/"\n[permalinks]\nposts = "/:year/:slug/"\n',
            'baseURL = "//[x"\n',
            "baseURL = \n",
            "[markup.goldmark.parser]\nautoHeadingIDType = 'github-ascii'\n",
        ),
    ),
    "mkdocs": (
        "mkdocs.yml",
        ("site_name: Docs\n", "site_name: Docs\nsite_url: https://example.com/docs/\n", "x: [\n"),
    ),
    "plain": ("", ("",)),
}
_POST_FOLDERS = {"jekyll": "_posts/2016-03-23-", "hugo": "content/posts/", "mkdocs": "docs/"}


@st.composite
def sites(draw: st.DrawFn, max_posts: int = 4) -> dict[str, bytes]:
    """A small site: a generator's config (odd values included) and posts named after
    `VOCAB` words, so that the generated links (`quillon.md`) sometimes resolve."""
    generator = draw(st.sampled_from(sorted(_SITE_CONFIGS)))
    config_name, configs = _SITE_CONFIGS[generator]
    files: dict[str, bytes] = {}
    if config_name:
        files[config_name] = draw(st.sampled_from(configs)).encode("utf-8")
    for name in draw(st.lists(word, min_size=1, max_size=max_posts, unique=True)):
        folder = draw(st.sampled_from((_POST_FOLDERS.get(generator, ""), "", "pages/")))
        files[f"{folder}{name}.md"] = draw(documents(max_blocks=4))
    for name in draw(st.lists(word, max_size=2, unique=True)):  # pages that are not Markdown
        head = draw(st.sampled_from(("", "---\ntitle: A page\n---\n", "---\npermalink: /x/\n")))
        files.setdefault(f"{name}.html", f'{head}<h1 id="{name}">{name}</h1>\n'.encode())
    return files


# Entries that cannot be bytes: links and special files, made by the test itself.
LINK_KINDS = ("self link", "loop to parent", "dangling link", "link outside", "link inside", "fifo")


def odd_entries(max_size: int = 3) -> st.SearchStrategy[list[tuple[str, str]]]:
    """(name, kind) pairs to add to a generated site: symlinks to themselves, to a
    parent folder, to nowhere, out of the tree or into it, and a named pipe."""
    name = st.sampled_from(("odd.md", "sub/odd.md", "loop", "sub/loop", "_posts/2016-03-23-odd.md"))
    return st.lists(
        st.tuples(name, st.sampled_from(LINK_KINDS)),
        max_size=max_size,
        unique_by=lambda entry: entry[0],
    )
