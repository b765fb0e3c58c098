"""A deterministic corpus of blog posts shaped like the seeds, for `make bench`.

Benchmarks on copies of five seeds measure the cache, not the linter: every
file would parse the same way. This builds N distinct posts (default 2,000,
1-20 KB, median about 5 KB) from a fixed random seed by mixing the prose of the
seeds and demo fixtures with the constructs real posts carry: headings, lists,
links (with utm_ parameters, relative links to other posts, a few broken),
images, fenced code, block quotes, tables, footnotes and some Liquid.

Layout (a Jekyll site, so link rules have a site root to resolve against):

    CORPUS/_config.yml
    CORPUS/_posts/YYYY-MM-DD-slug.md    YAML front matter
    CORPUS/hugo/slug.md                 TOML front matter
    CORPUS/notes/slug.md                no front matter (plain exports)
    CORPUS/images/pic-N.png             targets of most image links
    CORPUS/archive/index.html           target of `{{ site.baseurl }}/archive/`

The same seed and count give byte-identical files on every machine, so runs
on different days compare.
"""

from __future__ import annotations

import argparse
import math
import random
import re
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCES = (ROOT / "fixtures" / "demo", ROOT.parent / "shared" / "seeds")
SEED = 20240601
MIN_BYTES, MAX_BYTES, MEDIAN_BYTES = 1024, 20 * 1024, 5 * 1024
IMAGES = 40
TAIL_BYTES = 600  # room for the reference definitions and footnotes at the end
_FRONT_MATTER = re.compile(r"\A(?:---\n.*?\n---|\+\+\+\n.*?\n\+\+\+)\n", re.DOTALL)
_WORD = re.compile(r"[A-Za-z][A-Za-z'’]+")
LANGUAGES = ("python", "javascript", "bash", "yaml", "markdown", "")


@dataclass(frozen=True)
class Material:
    """What the seeds and demo posts give: whole prose blocks and a vocabulary."""

    blocks: tuple[str, ...]
    words: tuple[str, ...]


def load_material(sources: tuple[Path, ...] = SOURCES) -> Material:
    blocks: list[str] = []
    words: list[str] = []
    for source in sources:
        for path in sorted(p for p in source.rglob("*") if p.is_file()):
            body = _FRONT_MATTER.sub("", path.read_text(encoding="utf-8"), count=1)
            pieces = (b.strip() for b in re.split(r"\n\s*\n", body))
            # A blank line inside a fence splits it; half a fence would swallow the post.
            blocks.extend(b for b in pieces if b and b.count("```") % 2 == 0)
            words.extend(w.lower() for w in _WORD.findall(body) if len(w) <= 12)
    return Material(tuple(blocks), tuple(sorted(set(words))))


@dataclass(frozen=True)
class Slot:
    """One post to generate: where it goes and what kind of file it is."""

    path: Path
    kind: str  # "yaml", "toml" or "none"
    slug: str
    date: str

    @property
    def url(self) -> str:
        """The URL a page outside `_posts` is served at: its path, as a folder."""
        return f"/{self.path.parent.name}/{self.slug}/"


class PostWriter:
    """Builds one post's text from random blocks; `rng` is the only state."""

    def __init__(self, rng: random.Random, material: Material, slots: list[Slot]) -> None:
        self.rng = rng
        self.material = material
        self.slots = slots
        self.pages = [slot for slot in slots if slot.kind != "yaml"]

    def sentence(self, low: int = 6, high: int = 22) -> str:
        words = self.rng.choices(self.material.words, k=self.rng.randint(low, high))
        # A doubled word is a finding (CD472); random text should not be full of them.
        kept = [w for i, w in enumerate(words) if i == 0 or w != words[i - 1]]
        return " ".join(kept).capitalize() + self.rng.choice(".....?!")

    def paragraph(self) -> str:
        return " ".join(self.sentence() for _ in range(self.rng.randint(2, 6)))

    def link(self, slot: Slot) -> str:
        text = " ".join(self.rng.choices(self.material.words, k=self.rng.randint(1, 4)))
        roll = self.rng.random()
        if roll < 0.35:
            host = self.rng.choice(("example.com", "blog.example.org", "docs.example.net"))
            query = "?utm_source=medium&utm_medium=referral" if self.rng.random() < 0.3 else ""
            return f"[{text}](https://{host}/{self.rng.choice(self.material.words).lower()}{query})"
        if roll < 0.6:
            other = self.rng.choice(self.slots)
            return f"[{text}]({_relative(slot.path, other.path)})"
        if roll < 0.65:
            return f"[{text}]({{{{ site.baseurl }}}}/archive/)"
        if roll < 0.7:  # a served URL: only the site's URL index can resolve it
            other = self.rng.choice(self.pages)
            return f"[{text}]({other.url})"
        if roll < 0.8:
            return f"<https://example.com/{self.rng.choice(self.material.words).lower()}>"
        if roll < 0.9:
            return f"[{text}][ref-{self.rng.randint(1, 2)}]"
        return f"`{self.rng.choice(self.material.words).lower()}()`"

    def prose_with_links(self, slot: Slot) -> str:
        parts = [self.sentence() for _ in range(self.rng.randint(2, 5))]
        for _ in range(self.rng.randint(1, 3)):
            parts.insert(self.rng.randrange(len(parts) + 1), self.link(slot) + ".")
        return " ".join(parts)

    def block(self, slot: Slot) -> str:
        """One Markdown block, weighted roughly like the seeds' mix."""
        roll = self.rng.random()
        if roll < 0.25:
            return self.rng.choice(self.material.blocks)
        if roll < 0.45:
            return self.paragraph()
        if roll < 0.6:
            return self.prose_with_links(slot)
        if roll < 0.68:
            return f"{'#' * self.rng.choice((2, 2, 3))} {self.sentence(2, 6).rstrip('.?!')}"
        if roll < 0.76:
            return self.bullet_list(slot)
        if roll < 0.82:
            return self.code_block()
        if roll < 0.87:
            return self.image()
        if roll < 0.91:
            return "> " + self.sentence()
        if roll < 0.93:
            return self.table()
        if roll < 0.96:
            return self.liquid()
        return f"{self.sentence()}[^{self.rng.randint(1, 2)}]"

    def bullet_list(self, slot: Slot) -> str:
        ordered = self.rng.random() < 0.3
        items = []
        for n in range(1, self.rng.randint(2, 6) + 1):
            marker = f"{n}." if ordered else "-"
            body = self.prose_with_links(slot) if self.rng.random() < 0.3 else self.sentence()
            items.append(f"{marker} {body}")
        return "\n".join(items)

    def code_block(self) -> str:
        lines = [
            " ".join(self.rng.choices(self.material.words, k=self.rng.randint(2, 8))).lower()
            for _ in range(self.rng.randint(2, 12))
        ]
        if self.rng.random() < 0.2:
            lines.append("# not a heading, [not a link](nope.md) <figcaption>x</figcaption>")
        return f"```{self.rng.choice(LANGUAGES)}\n" + "\n".join(lines) + "\n```"

    def image(self) -> str:
        alt = " ".join(self.rng.choices(self.material.words, k=self.rng.randint(0, 5)))
        roll = self.rng.random()
        if roll < 0.75:
            src = f"/images/pic-{self.rng.randrange(IMAGES)}.png"
        elif roll < 0.9:
            src = f"https://cdn-images-1.medium.com/max/800/1*{self.rng.randrange(10**6)}.jpeg"
        else:
            src = f"/images/missing-{self.rng.randrange(100)}.jpg"
        return f"![{alt}]({src})"

    def table(self) -> str:
        head = self.rng.choices(self.material.words, k=3)
        rows = [" | ".join(self.rng.choices(self.material.words, k=3)) for _ in range(3)]
        return "\n".join([" | ".join(head), "--- | --- | ---", *rows])

    def liquid(self) -> str:
        return self.rng.choice(
            (
                "{% include toc.html %}",
                "{% raw %}\n{{ not liquid }}\n{% endraw %}",
                "{% highlight ruby %}\nputs 'hi'\n{% endhighlight %}",
                "Posted in {{ page.categories | join: ', ' }}.",
            )
        )

    def front_matter(self, slot: Slot, title: str) -> str:
        if slot.kind == "none":
            return f"{title}\n\n"
        if slot.kind == "toml":
            return (
                f'+++\ntitle = "{title}"\ndate = {slot.date}T09:00:00Z\ntags = ["bench"]\n+++\n\n'
            )
        if self.rng.random() < 0.005:  # a real corpus has a few broken headers
            return f"---\ntitle: {title}: broken: [yaml\ndate: {slot.date}\n---\n\n"
        extra = (
            f"image: /images/pic-{self.rng.randrange(IMAGES)}.png\n"
            if self.rng.random() < 0.3
            else ""
        )
        return (
            f'---\nlayout: post\ntitle: "{title}"\ndate: {slot.date} 09:00:00 +0000\n'
            f"tags: [bench, {self.rng.choice(self.material.words).lower()}]\n{extra}---\n\n"
        )

    def post(self, slot: Slot) -> str:
        target = _target_size(self.rng)
        title = self.sentence(3, 8).rstrip(".?!")
        parts = [self.front_matter(slot, title)]
        size = len(parts[0].encode())
        while size < target:
            block = self.block(slot) + "\n\n"
            grown = size + len(block.encode())
            if grown > MAX_BYTES - TAIL_BYTES:
                if size >= MIN_BYTES:
                    break
                continue  # too big to fit: draw another block
            parts.append(block)
            size = grown
        parts.append(self.tail(slot, "".join(parts)))
        return "".join(parts).rstrip("\n") + "\n"

    def tail(self, slot: Slot, text: str) -> str:
        """Reference definitions, footnotes, and the occasional link error."""
        lines = [f"[ref-{n}]: https://example.com/ref/{n}" for n in (1, 2) if f"ref-{n}]" in text]
        lines += [f"[^{n}]: {self.sentence()}" for n in (1, 2) if f"[^{n}]" in text]
        roll = self.rng.random()
        if roll < 0.03:
            lines += ["", f"See also [the old post](missing-{slot.slug}.md)."]
        elif roll < 0.04:
            lines += ["", "More in [the appendix](#no-such-heading) and [this](here.md"]
        return "\n".join(lines) + "\n"


def _target_size(rng: random.Random) -> int:
    size = int(rng.lognormvariate(math.log(MEDIAN_BYTES), 0.6))
    return min(max(size, MIN_BYTES), MAX_BYTES - TAIL_BYTES)


def _relative(source: Path, target: Path) -> str:
    up = "../" if source.parent != target.parent else ""
    return f"{up}{target.parent.name + '/' if up else ''}{target.name}"


def plan_slots(rng: random.Random, count: int) -> list[Slot]:
    slots = []
    for number in range(count):
        roll = rng.random()
        year, month, day = 2012 + number % 12, 1 + number % 12, 1 + number % 28
        date = f"{year:04d}-{month:02d}-{day:02d}"
        slug = f"post-{number:05d}"
        if roll < 0.65:
            slots.append(Slot(Path("_posts") / f"{date}-{slug}.md", "yaml", slug, date))
        elif roll < 0.75:
            slots.append(Slot(Path("hugo") / f"{slug}.md", "toml", slug, date))
        else:
            slots.append(Slot(Path("notes") / f"{slug}.md", "none", slug, date))
    return slots


def build_corpus(folder: Path, count: int = 2000, seed: int = SEED) -> list[Path]:
    """Create `folder` with `count` posts; returns their paths in a fixed order.

    A folder that already holds anything is refused (FileExistsError), never
    emptied: `--corpus DIR` pointed at a real tree must not wipe it."""
    if folder.exists() and any(folder.iterdir()):
        raise FileExistsError(f"{folder}: not empty; give a new or empty folder for the corpus")
    rng = random.Random(seed)
    material = load_material()
    (folder / "images").mkdir(parents=True)
    (folder / "_config.yml").write_text("title: bench corpus\n", encoding="utf-8")
    (folder / "archive").mkdir()
    (folder / "archive" / "index.html").write_text("<h1>Archive</h1>\n", encoding="utf-8")
    for n in range(IMAGES):
        (folder / "images" / f"pic-{n}.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64))
    slots = plan_slots(rng, count)
    writer = PostWriter(rng, material, slots)
    paths = []
    for slot in slots:
        path = folder / slot.path
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(writer.post(slot), encoding="utf-8")
        paths.append(path)
    return paths


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, help="created; must be new or empty")
    parser.add_argument("--files", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args()
    try:
        paths = build_corpus(args.folder, args.files, args.seed)
    except FileExistsError as error:
        print(f"corpus.py: {error}", file=sys.stderr)
        return 2
    total = sum(p.stat().st_size for p in paths)
    print(f"{len(paths)} posts, {total / 1024:.0f} KiB, in {args.folder}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
