"""`copydesk migrate`: folders of mixed posts -> canonical Markdown in another folder.

Guarantees: sources are never modified and output never lands inside a
source tree; an existing output file is replaced only with --force; writes
are atomic; one bad file is reported on one line and the run goes on; every
word that disappears is either shown by a recorded change or the file is
reported lossy.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from copydesk.errors import CopydeskError, InvalidPost, NormalizeError, UsageError
from copydesk.model import FORMATS, Change, Format, Post
from copydesk.report.text import count

if TYPE_CHECKING:
    from copydesk.config import ConfigFinder
    from copydesk.discover import Found
    from copydesk.importers import Imported, ImportOptions
    from copydesk.read import Document
    from copydesk.write import Writer

Status = Literal["migrated", "unchanged", "failed"]


@dataclass(frozen=True)
class Task:
    """One input file and where its output goes."""

    source: Path
    relative: Path  # path inside its SRC folder, used for output and `source.path`
    imported: Imported | None = None  # a post out of a platform export (see copydesk.importers)
    found: Found | None = None  # how discovery reached it (its tree, its real path)
    data: bytes | None = None  # its bytes when they come from stdin (`fix -`), not `source`

    @property
    def output_relative(self) -> Path:
        return self.relative.with_suffix(".md")


@dataclass
class FileResult:
    source: Path
    output: Path | None = None
    status: Status = "failed"
    format: str | None = None
    error: str | None = None
    changes: list[Change] = field(default_factory=list)
    lossy_words: list[str] = field(default_factory=list)
    text: str | None = None
    post: Post | None = None

    @property
    def review(self) -> list[str]:
        reasons = [change.reason for change in self.changes if change.review]
        if self.lossy_words:
            reasons.append("words lost without a recorded change: " + " ".join(self.lossy_words))
        return reasons

    def to_json(self) -> dict[str, Any]:
        return {
            "source": str(self.source),
            "output": str(self.output) if self.output else None,
            "format": self.format,
            "status": self.status,
            "needs_review": bool(self.review),
            "review": self.review,
            "lossy": bool(self.lossy_words),
            "lossy_words": self.lossy_words,
            "error": self.error,
            "changes": [change.model_dump() for change in self.changes],
        }


@dataclass(frozen=True)
class Settings:
    out: Path | None = None  # None: in place (`fix`, `migrate --check` without --out)
    dry_run: bool = False
    force: bool = False
    format: Format | None = None
    captions: Literal["paragraph", "title", "figure"] = "paragraph"
    timezone: str | None = None
    author: str | None = None
    max_file_size: int | None = None  # bytes (0: no limit); None: the file's config's
    configs: ConfigFinder | None = field(default=None, compare=False, repr=False)
    download_images: Path | None = None  # --download-images DIR (the only network use)
    image_hosts: tuple[str, ...] = ()
    images_manifest: Path | None = None

    def size_limit(self, path: Path) -> int | None:
        """Bytes above which `path` is skipped: --max-file-size, else the
        `max-file-size` of the config that applies to it (10 MB by default)."""
        if self.max_file_size is not None:
            return self.max_file_size or None
        from copydesk.config import ConfigFinder

        configs = self.configs or ConfigFinder()
        return configs.for_file(path).max_file_size or None


# ---------------------------------------------------------------- discovery


def discover(
    sources: Sequence[Path],
    errors: list[FileResult],
    notes: list[str] | None = None,
    configs: ConfigFinder | None = None,
) -> list[Task]:
    """Expand SRC arguments into tasks; a missing or empty SRC becomes a failed result,
    and what discovery skipped (links out of the tree, other formats) a line in `notes`.

    One SRC folder maps onto --out directly; with several, each folder gets a
    subfolder named after it so that equal relative paths cannot collide.
    """
    from copydesk.config import ConfigFinder
    from copydesk.discover import POST_SUFFIXES
    from copydesk.discover import discover as find

    found = find(sources, configs or ConfigFinder())
    several = len(sources) > 1
    prefixes = {
        source: Path(source.resolve().name) if several and source.is_dir() else Path()
        for source in sources
    }
    tasks = [
        Task(file.path, _prefix(file, prefixes) / file.relative, found=file) for file in found.files
    ]
    errors.extend(_failed(bad.path, bad.reason) for bad in found.unreadable)
    formats = ", ".join(f"*{suffix}" for suffix in POST_SUFFIXES)
    errors.extend(_failed(source, f"no posts found ({formats})") for source in found.empty)
    errors.extend(_failed(source, "no such file or folder") for source in found.missing)
    if notes is not None:
        notes.extend(found.notes())
    return tasks


def _prefix(file: Found, prefixes: dict[Path, Path]) -> Path:
    return Path() if file.explicit else prefixes.get(file.root.path, Path())


def check_out_dir(out: Path, sources: Iterable[Path]) -> None:
    """Refuse an output folder inside (or equal to) a source folder.

    A source file is the only file read from its folder, so an output folder
    beside it (`migrate post.md --out out/`) is fine; only writing into the
    file's own folder is refused. A missing source is left to discovery,
    which names it.
    """
    resolved = Path(os.path.realpath(out))
    for source in sources:
        if not os.path.lexists(source):
            continue
        real = Path(os.path.realpath(source))  # not resolve(): a symlink loop must not raise
        if source.is_dir():
            inside = resolved == real or real in resolved.parents
        else:
            inside = resolved == real.parent
        if inside:
            raise UsageError(out, f"output folder is inside the source tree {source}")


def check_timezone(name: str | None) -> None:
    """Refuse an unknown --timezone once, up front, rather than once per post."""
    if name is None:
        return
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise UsageError(
            "--timezone", f"unknown timezone '{name}' (an IANA name such as Europe/Berlin)"
        ) from None


def _failed(source: Path, reason: str) -> FileResult:
    return FileResult(source=source, status="failed", error=f"{source}: {reason}")


# ---------------------------------------------------------------- one file


def convert(task: Task, settings: Settings) -> FileResult:
    """Read, detect, normalize, render and check one file; write nothing."""
    from copydesk.detect import detect_format
    from copydesk.normalize import Options, normalize
    from copydesk.read import document_from_bytes, read_document
    from copydesk.write import render
    from copydesk.yamlio import load_front_matter

    if task.imported is not None:
        return convert_imported(task.imported, task, settings)
    if task.data is not None:
        document = document_from_bytes(task.source, task.data)
    else:
        document = read_document(task.source, settings.size_limit(task.source))
    front_matter = None
    if document.front_matter is not None and document.front_matter_kind:
        front_matter = load_front_matter(
            task.source, document.front_matter, document.front_matter_kind
        )
    fmt = settings.format or detect_format(document, front_matter)
    options = Options(
        captions=settings.captions, timezone=settings.timezone, author=settings.author
    )
    normalized = normalize(document, front_matter, fmt, task.relative.as_posix(), options)
    post = normalized.post
    if not post.body.strip():
        raise NormalizeError(task.source, "no body text (only front matter?)")
    text = render(post)
    _revalidate(task.source, text)
    original = _input_text(document.body, front_matter)
    return FileResult(
        source=task.source,
        format=fmt,
        status="unchanged" if _same_bytes(document, text) else "migrated",
        changes=[
            *_read_changes(document),
            *_comment_changes(document, front_matter),
            *normalized.changes,
        ],
        lossy_words=_lossy(original, post, normalized.changes),
        text=text,
        post=post,
    )


def convert_imported(imported: Imported, task: Task, settings: Settings) -> FileResult:
    """A post out of an export: its typed fields are front matter, its Markdown the body.

    It goes through the generic front-matter normalizer like any post, then
    the same validation and loss check; the loss check compares against the
    words the reader saw in the export, not against the Markdown made here.
    """
    import hashlib

    from copydesk.model import Source
    from copydesk.normalize import Options, normalize
    from copydesk.read import Document
    from copydesk.write import render

    document = Document(
        path=imported.origin,
        sha256=hashlib.sha256(imported.raw).hexdigest(),
        text=imported.body,
        newline="\n",
        bom=False,
        final_newline=True,
        front_matter="",
        front_matter_kind="yaml",
        body=imported.body,
        body_line=1,
    )
    options = Options(
        captions=settings.captions, timezone=settings.timezone, author=settings.author
    )
    normalized = normalize(
        document, dict(imported.fields), "jekyll", task.relative.as_posix(), options
    )
    post = normalized.post
    assert post.source is not None
    source = Source(format=imported.format, path=imported.origin.as_posix(), sha256=document.sha256)
    post = post.model_copy(update={"source": source})
    if not post.body.strip():
        raise NormalizeError(imported.origin, "no body text")
    text = render(post)
    _revalidate(imported.origin, text)
    changes = [*imported.changes, *normalized.changes]
    return FileResult(
        source=imported.origin,
        format=imported.format,
        status="migrated",
        changes=changes,
        lossy_words=_lossy(imported.text, post, changes),
        text=text,
        post=post,
    )


def import_tasks(
    sources: Sequence[Path],
    name: str | None,
    options: ImportOptions,
    errors: list[FileResult],
    notes: list[str],
) -> tuple[list[Task], list[Path]]:
    """Posts of every SRC that an importer takes, and the SRCs left for Markdown discovery.

    With `--from NAME` of an importer, every SRC goes to it; otherwise each is
    offered to the registered importers and the first that recognises it wins.
    """
    from copydesk.importers import ImportLog, importer_for, importers

    registry = importers()
    if name is not None and name not in registry:
        known = ", ".join([*FORMATS, *registry])
        raise UsageError("--from", f"unknown format or importer '{name}' (known: {known})")
    tasks: list[Task] = []
    rest: list[Path] = []
    outputs: set[Path] = set()
    several = len(sources) > 1
    for source in sources:
        importer = importer_for(source, name, registry) if source.exists() else None
        if importer is None:
            rest.append(source)
            continue
        log = ImportLog()
        prefix = Path(source.stem) if several else Path()
        try:
            for item in importer.posts(source, options, log):
                if isinstance(item, CopydeskError):
                    errors.append(_failed(Path(item.path), item.reason))
                    continue
                relative = _unique(prefix / item.relative, outputs)
                tasks.append(Task(item.origin, relative, item))
        except CopydeskError as error:
            errors.append(_failed(source, error.reason))
        notes.extend(f"{source}: {line}" for line in log.lines())
    return tasks, rest


def _unique(relative: Path, taken: set[Path]) -> Path:
    """`a.md`, then `a-2.md`, … so that two posts of one export never share a file."""
    candidate, number = relative, 1
    while candidate in taken:
        number += 1
        candidate = relative.with_name(f"{relative.stem}-{number}{relative.suffix}")
    taken.add(candidate)
    return candidate


def migrate_file(path: Path, settings: Settings | None = None) -> FileResult:
    """Convert one file without writing anything (the library entry point)."""
    return convert(Task(path, Path(path.name)), settings or Settings(out=Path("out")))


def in_place_task(path: Path) -> Task:
    """A task whose output is the file itself.

    `source.path` is the path relative to the enclosing git repository, so the
    provenance recorded by an in-place fix does not depend on the folder the
    command ran from (pre-commit runs at the repository root).
    """
    resolved = Path(os.path.realpath(path))  # not resolve(): a symlink loop must not raise
    for parent in resolved.parents:
        if (parent / ".git").exists():
            return Task(path, resolved.relative_to(parent))
    try:
        return Task(path, resolved.relative_to(Path.cwd().resolve()))
    except ValueError:
        return Task(path, Path(path.name))


def _same_bytes(document: Document, text: str) -> bool:
    return document.newline == "\n" and not document.bom and text == document.text


def _input_text(body: str, front_matter: dict[str, Any] | None) -> tuple[str, ...]:
    """The input's title and body (kept apart: joining would copy a huge body)."""
    title = (front_matter or {}).get("title")
    return (str(title), body) if title is not None else (body,)


def _lossy(original: str | tuple[str, ...], post: Post, changes: list[Change]) -> list[str]:
    from copydesk.preserve import unaccounted_words

    return unaccounted_words(original, post, changes)


def _read_changes(document: Document) -> list[Change]:
    """What reading normalised (BOM, line endings, final newline), as changes."""
    changes = []
    if document.bom:
        changes.append(
            Change(kind="encoding", before="BOM", reason="UTF-8 byte order mark removed")
        )
    if document.newline != "\n":
        changes.append(
            Change(
                kind="line-endings",
                before=repr(document.newline),
                after=repr("\n"),
                reason="line endings normalised to LF",
            )
        )
    return changes


def _comment_changes(document: Document, data: dict[str, Any] | None) -> list[Change]:
    """Front matter comments, which canonical front matter cannot keep, as changes."""
    if not document.front_matter or "#" not in document.front_matter:
        return []
    from copydesk.preserve import front_matter_comments

    return [
        Change(
            kind="front-matter-comment",
            line=line,
            before=comment,
            reason="front matter comment dropped (canonical front matter has no comments)",
        )
        for line, comment in front_matter_comments(
            document.front_matter, document.front_matter_kind or "yaml", data or {}
        )
    ]


def _revalidate(path: Path, text: str) -> None:
    """The written bytes must read back as a valid Post (validate again before writing)."""
    from copydesk.normalize import to_post
    from copydesk.read import document_from_bytes
    from copydesk.yamlio import load_front_matter

    document = document_from_bytes(path, text.encode("utf-8"))
    if document.front_matter is None:
        raise InvalidPost(path, "rendered output has no front matter")
    data = load_front_matter(path, document.front_matter, "yaml")
    to_post(path, {**data, "body": document.body})


def dedupe_slug(result: FileResult, seen: dict[str, Path]) -> None:
    """Make the slug unique across the run (`-2`, `-3`, …), recording the change."""
    from copydesk.write import render

    post = result.post
    if post is None or not post.slug:
        return
    slug = post.slug
    unique, number = slug, 1
    while unique in seen:
        number += 1
        unique = f"{slug}-{number}"
    seen[unique] = result.source
    if unique == slug:
        return
    result.post = post.model_copy(update={"slug": unique})
    result.text = render(result.post)
    result.changes.append(
        Change(
            kind="slug",
            before=slug,
            after=unique,
            reason=f"slug '{slug}' already used by {seen[slug]}",
            review=True,
        )
    )


# ---------------------------------------------------------------- the run


class Stopped(Exception):
    """The run stopped at an output error that every later write would hit too."""

    def __init__(self, error: CopydeskError, results: list[FileResult], left: int) -> None:
        super().__init__(str(error))
        self.error = error
        self.results = results
        self.left = left  # posts not written, the one that failed included


def migrate(tasks: Sequence[Task], settings: Settings) -> list[FileResult]:
    """Convert every task, bring images home if asked, then write (unless dry run).

    Failures stay per file, except an output that takes no more writes (disk
    full, read-only): that raises `Stopped`.
    """
    if settings.out is None:
        raise UsageError("migrate", "--out DIR is required")
    from copydesk.progress import Progress, wanted
    from copydesk.write import OutputStopped, Writer, ending_cleanly

    # Not with --dry-run: its diffs go to the terminal the bar would draw on.
    with Progress(len(tasks), "post", enabled=wanted() and not settings.dry_run) as bar:
        converted = []
        for task in tasks:
            converted.append(_convert_or_fail(task, settings))
            bar.advance()
    if settings.download_images is not None and not settings.dry_run:
        from copydesk.importers.images import bring_home

        manifest = settings.images_manifest or settings.out / "images-manifest.json"
        ok = [result for result in converted if result.post is not None]
        print(bring_home(ok, settings.download_images, settings.image_hosts, manifest))
    results: list[FileResult] = []
    slugs: dict[str, Path] = {}
    outputs: dict[Path, Path] = {}
    writer = Writer()
    with ending_cleanly():
        for done, (task, result) in enumerate(zip(tasks, converted, strict=True)):
            if result.status != "failed":
                try:
                    result = _place(task, result, settings, slugs, outputs, writer)
                except OutputStopped as error:
                    raise Stopped(error, results, len(tasks) - done) from None
            results.append(result)
    return results


def _place(
    task: Task,
    result: FileResult,
    settings: Settings,
    slugs: dict[str, Path],
    outputs: dict[Path, Path],
    writer: Writer,
) -> FileResult:
    """Give one converted post its unique slug and output path, and write it."""
    from copydesk.write import OutputStopped

    assert settings.out is not None
    try:
        dedupe_slug(result, slugs)
        output = settings.out / task.output_relative
        if output in outputs:
            raise UsageError(task.source, f"output {output} also comes from {outputs[output]}")
        outputs[output] = task.source
        result.output = output
        _write(result, settings, writer)
    except OutputStopped:
        raise
    except CopydeskError as error:  # about the source, or about its output
        reason = error.reason if error.path == str(task.source) else str(error)
        return _failed(task.source, reason)
    except BrokenPipeError:  # the reader of --dry-run left (`| head`): stop quietly
        raise
    except Exception as error:  # a bug must not stop the other files
        return _failed(task.source, f"internal error: {type(error).__name__}: {error}")
    return result


def _convert_or_fail(task: Task, settings: Settings) -> FileResult:
    try:
        return convert(task, settings)
    except CopydeskError as error:
        return _failed(task.source, error.reason)
    except Exception as error:  # a bug must not stop the other files
        return _failed(task.source, f"internal error: {type(error).__name__}: {error}")


def _write(result: FileResult, settings: Settings, writer: Writer) -> None:
    from copydesk.write import WriteRefused, unified_diff

    assert result.output is not None and result.text is not None and settings.out is not None
    if result.output.is_symlink():
        raise WriteRefused(result.output, "is a symlink: not replacing it or writing through it")
    existing = result.output.read_bytes() if result.output.exists() else None
    if existing == result.text.encode("utf-8"):
        return
    if existing is not None and not settings.force:
        raise UsageError(result.source, f"{result.output} exists and differs (use --force)")
    if settings.dry_run:
        if existing:
            before = existing.decode("utf-8", "replace")
        elif result.source.is_file():
            before = result.source.read_text("utf-8", "replace")
        else:  # a post inside an export (zip member, WXR item): new file
            before = ""
        sys.stdout.write(unified_diff(before, result.text, str(result.source), str(result.output)))
        return
    from copydesk.write import OutputStopped, stopping

    try:
        writer.write(result.output, result.text, root=settings.out)
    except OSError as error:
        if stopping(error):
            reason = f"cannot write {result.output}: {error.strerror or error}"
            raise OutputStopped(settings.out, reason) from None
        raise


def summary(results: Sequence[FileResult]) -> str:
    counts = {status: sum(r.status == status for r in results) for status in Status.__args__}  # type: ignore[attr-defined]
    review = sum(bool(r.review) for r in results if r.status != "failed")
    lossy = sum(bool(r.lossy_words) for r in results)
    return (
        f"{count(len(results), 'file')}: {counts['migrated']} migrated, "
        f"{counts['unchanged']} unchanged, {counts['failed']} failed, "
        f"{review} {'needs' if review == 1 else 'need'} review, {lossy} lossy"
    )


def write_report(
    path: Path, results: Sequence[FileResult], settings: Settings, stopped: str | None = None
) -> None:
    from copydesk.write import write_atomic

    report = {
        "summary": summary(results),
        "dry_run": settings.dry_run,
        "out": str(settings.out) if settings.out else None,
        "stopped": stopped,
        "files": [result.to_json() for result in results],
    }
    write_atomic(path, json.dumps(report, indent=2, ensure_ascii=False, default=str) + "\n")


def run(args: argparse.Namespace) -> int:
    """The `migrate` command: returns 0 all good, 1 failed or lossy files, 2 usage error.

    With --check (or --diff) nothing is written: exit 1 names every file that
    is not canonical (see `copydesk.compare.run_check`).
    """
    from copydesk.config import ConfigFinder

    sources = [Path(source) for source in args.sources]
    checking = bool(getattr(args, "check", False) or getattr(args, "diff", False))
    results: list[FileResult] = []
    notes: list[str] = []
    try:
        if not args.out and not checking:
            raise UsageError("migrate", "--out DIR is required (or --check to compare in place)")
        check_timezone(args.timezone)
        importer_name = args.format if args.format not in FORMATS else None
        settings = Settings(
            out=Path(args.out) if args.out else None,
            dry_run=args.dry_run,
            force=args.force,
            format=None if importer_name else args.format,
            captions=args.captions,
            timezone=args.timezone,
            author=args.author,
            max_file_size=args.max_file_size,
            configs=ConfigFinder(),
            download_images=Path(args.download_images) if args.download_images else None,
            image_hosts=tuple(
                host.strip()
                for value in args.image_hosts or ()
                for host in value.split(",")
                if host.strip()
            ),
            images_manifest=Path(args.report).with_suffix(".images.json") if args.report else None,
        )
        imported, sources = import_tasks(
            sources, importer_name, _import_options(args), results, notes
        )
        if imported and settings.out is None:
            raise UsageError("migrate", "an export is compared with --out DIR (add --out)")
        if settings.out is not None:
            check_out_dir(settings.out, sources)
    except UsageError as error:
        print(f"copydesk: {error}", file=sys.stderr)
        return 2
    skipped: list[str] = []
    try:
        found = discover(sources, results, skipped, settings.configs) if sources else []
    except CopydeskError as error:  # a broken config file
        print(f"copydesk: {error}", file=sys.stderr)
        return 2
    tasks = [*imported, *found]
    for note in notes:
        print(f"copydesk: {note}", file=sys.stderr)
    for note in skipped:
        print(note, file=sys.stderr)
    if checking:
        from copydesk.compare import run_check

        return run_check(tasks, results, settings, diff=bool(args.diff))
    stopped: str | None = None
    try:
        results.extend(migrate(tasks, settings))
    except Stopped as stop:
        results.extend(stop.results)
        stopped = f"{stop.error}; stopped with {stop.left} of {len(tasks)} posts not written"
    for result in results:
        if result.error:
            print(result.error, file=sys.stderr)
        elif result.lossy_words:
            print(f"{result.source}: lossy: {' '.join(result.lossy_words)}", file=sys.stderr)
    if stopped:
        print(f"copydesk: {stopped} (no file was half-written)", file=sys.stderr)
    code = 2 if stopped else 1 if any(r.status == "failed" or r.lossy_words for r in results) else 0
    if args.report and not _report(Path(args.report), results, settings, stopped):
        code = 2
    print(summary(results))
    floating = floating_note(results)
    if floating:
        print(floating)
    return code


def _report(
    path: Path, results: Sequence[FileResult], settings: Settings, stopped: str | None
) -> bool:
    """Write the JSON report; a failure is one line (the posts are written already)."""
    try:
        write_report(path, results, settings, stopped)
    except CopydeskError as error:
        print(f"copydesk: cannot write the report: {error}", file=sys.stderr)
    except OSError as error:
        print(
            f"copydesk: {path}: cannot write the report: {error.strerror or error}", file=sys.stderr
        )
    else:
        return True
    return False


def floating_note(results: Sequence[FileResult]) -> str:
    """One line when posts kept a datetime with no timezone (they need --timezone or a human)."""
    from copydesk.normalize.keys import FLOATING

    count = sum(
        any(change.kind == FLOATING for change in result.changes)
        for result in results
        if result.status != "failed"
    )
    if not count:
        return ""
    posts = "1 post has" if count == 1 else f"{count} posts have"
    return (
        f"{posts} a datetime with no timezone, kept as written (listed for review); "
        "--timezone TZ (e.g. Europe/Berlin) gives them an offset"
    )


def _import_options(args: argparse.Namespace) -> ImportOptions:
    from copydesk.importers import ImportOptions

    return ImportOptions(
        captions=args.captions,
        include_responses=bool(getattr(args, "include_responses", False)),
        include=tuple(getattr(args, "include", None) or ()),
        post_types=tuple(
            name.strip()
            for value in getattr(args, "post_types", None) or ()
            for name in value.split(",")
            if name.strip()
        ),
        timezone=args.timezone,
    )
