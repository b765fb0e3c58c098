"""`migrate --download-images DIR`: the old platform's images fetched and re-linked.

Runs between converting and writing: every converted post's remote images
of the old platform (Medium's CDN, any `wp-content/uploads`, `--image-hosts`)
are fetched once per unique URL (`copydesk.web.images`), and references in
the body and in `image.src` are rewritten to the local path. Text inside
code is never rewritten. A failed download leaves the URL as it was and
marks the post for review.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from copydesk.model import Change

if TYPE_CHECKING:
    from copydesk.migrate import FileResult
    from copydesk.web.images import Fetched


def bring_home(
    results: Sequence[FileResult], folder: Path, hosts: Sequence[str], manifest: Path
) -> str:
    """Download and re-link; returns the summary line. Writes DIR's files and the manifest."""
    from copydesk.web.images import (
        PLATFORM_HOSTS,
        Options,
        download,
        load_manifest,
        url_prefix,
        write_manifest,
    )

    options = Options(
        folder=folder,
        url_prefix=url_prefix(folder),
        hosts=PLATFORM_HOSTS | frozenset(host.lower() for host in hosts),
    )
    wanted = {id(result): _urls(result, options.hosts) for result in results}
    run = download(
        (url for urls in wanted.values() for url in urls), options, load_manifest(manifest)
    )
    for result in results:
        _relink(result, wanted[id(result)], run.fetched)
    write_manifest(manifest, run)
    return run.summary()


def _urls(result: FileResult, hosts: frozenset[str]) -> list[str]:
    from copydesk.normalize.protect import mask
    from copydesk.web.images import image_urls

    post = result.post
    if post is None:
        return []
    cover = post.image.src if post.image is not None else ""
    return image_urls(cover + "\n" + mask(post.body).text, hosts)


def _relink(result: FileResult, urls: list[str], fetched: dict[str, Fetched]) -> None:
    from copydesk.normalize.protect import mask
    from copydesk.write import render

    post = result.post
    if post is None or not urls:
        return
    local = {url: fetched[url].path for url in urls if url in fetched and not fetched[url].error}
    for url in urls:
        item = fetched.get(url)
        if item is None or item.error:
            result.changes.append(
                Change(
                    kind="image-download",
                    before=url,
                    after=url,
                    reason=f"image not downloaded ({item.error if item else 'not fetched'}); "
                    "the remote URL is kept",
                    review=True,
                )
            )
        else:
            result.changes.append(
                Change(
                    kind="image-local",
                    before=url,
                    after=item.path,
                    reason="image downloaded; reference points at the local copy",
                )
            )
    if not local:
        return
    masked = mask(post.body)
    text = masked.text
    for url in sorted(local, key=len, reverse=True):  # a longer URL first: no prefix clash
        text = text.replace(url, local[url])
    update: dict[str, object] = {"body": masked.unmask(text)}
    if post.image is not None and post.image.src in local:
        update["image"] = post.image.model_copy(update={"src": local[post.image.src]})
    result.post = post.model_copy(update=update)
    result.text = render(result.post)
