"""Platform boilerplate at the end of copied posts, and the "About the Author" block.

Only a trailing run of boilerplate lines is removed, and only when it holds
at least one unmistakable anchor ("Leave a Reply", "Share this:", the
Akismet notice …); a lone "Email" line ending a real post stays.
"""

from __future__ import annotations

import re

from copydesk.normalize import Context
from copydesk.normalize.body import REMOVED, Edit

UNKNOWN_AUTHOR = "Unknown"
_ANCHORS = re.compile(
    r"^(?:leave a (?:reply|comment)|share this:?|like this:?|related(?: posts| articles)?:?"
    r"|your email address will not be published\b.*|this site uses akismet to reduce spam\b.*"
    r"|(?:you must be )?logged in to post a comment\b.*)$",
    re.IGNORECASE,
)
_FILLERS = re.compile(
    r"^(?:cancel reply|required fields are marked\b.*|(?:like )?loading(?:\.{3}|…)?"
    r"|click to (?:share|email|print)\b.*|comment\s*\*?|name\s*\*?|email\s*\*?|website"
    r"|post comment|save my name, email, and website in this browser\b.*"
    r"|be the first to like this\.?"
    r"|twitter|facebook|linkedin|reddit|pinterest|tumblr|pocket|whatsapp|telegram|print|more)$",
    re.IGNORECASE,
)
_ABOUT = re.compile(
    r"^\s*(?:#{1,6}\s*)?(?:\*\*|__)?about the author(?:\*\*|__)?\s*:?\s*(?P<rest>.*)$",
    re.IGNORECASE,
)
_NAME = r"[A-Z][\w'’.-]+(?:\s+[A-Z][\w'’.-]+){1,3}"
_NAME_IN_BIO = (
    re.compile(rf"^(?:I am|I'm|I’m|My name is)\s+(?P<name>{_NAME})"),
    re.compile(rf"^(?P<name>{_NAME})\s+(?:is|has|was|writes|works|lives|leads|runs)\b"),
)
_NAME_ONLY = re.compile(rf"^(?P<name>{_NAME})$")
MAX_BIO_CHARS = 1500
MAX_BIO_PARAGRAPHS = 3


def strip_boilerplate(edit: Edit) -> None:
    """Remove the trailing run of platform lines; the removed text is recorded verbatim."""
    lines = edit.text.split("\n")
    start = len(lines)
    anchored = False
    for index in range(len(lines) - 1, -1, -1):
        line = lines[index].strip()
        if not line or line == REMOVED:
            continue
        if _ANCHORS.match(line):
            anchored = True
        elif not _FILLERS.match(line):
            break
        start = index
    if not anchored:
        return
    removed = "\n".join(line for line in lines[start:] if line != REMOVED).strip("\n")
    edit.record(
        "boilerplate",
        "trailing platform boilerplate removed",
        line=edit.line_base + start,
        before=removed,
    )
    lines[start:] = [REMOVED] * (len(lines) - start)
    edit.text = "\n".join(lines)


def about_author(edit: Edit) -> dict[str, str] | None:
    """A trailing "About the Author" block becomes an author with that bio (recorded)."""
    lines = edit.text.split("\n")
    heading = next((i for i in range(len(lines) - 1, -1, -1) if _ABOUT.match(lines[i])), None)
    if heading is None:
        return None
    rest = _ABOUT.match(lines[heading])["rest"].strip()  # type: ignore[index]
    tail = [line for line in lines[heading + 1 :] if line != REMOVED]
    bio_text = re.sub(r"\n[ \t]*\n\s*", "\n\n", "\n".join(tail).strip())
    named = _NAME_ONLY.match(rest)
    if not named and rest:
        bio_text = f"{rest}\n{bio_text}".strip()
    bio = edit.masked.unmask(bio_text)
    if not bio or len(bio) > MAX_BIO_CHARS or bio.count("\n\n") >= MAX_BIO_PARAGRAPHS:
        return None  # too long to be a bio: it is the post, leave it in the body
    if bio != bio_text:
        return None  # it holds code or template tags: not a bio
    edit.record(
        "about-author",
        "'About the Author' block moved to authors[0].bio",
        line=edit.line_base + heading,
        before="\n".join(line for line in lines[heading:] if line != REMOVED).strip(),
        after=bio,
    )
    lines[heading:] = [REMOVED] * (len(lines) - heading)
    edit.text = "\n".join(lines)
    name = named["name"] if named else _name_in(bio)
    return {"name": name or _fallback_name(edit.context, edit.line_base + heading), "bio": bio}


def _name_in(bio: str) -> str | None:
    for pattern in _NAME_IN_BIO:
        if match := pattern.match(bio):
            return match["name"]
    return None


def _fallback_name(context: Context, line: int) -> str:
    """No name in the block: the user's --author if given, else the honest 'Unknown'."""
    if context.options.author:
        context.record(
            "author-name",
            "'About the Author' names nobody; using the given default author",
            line=line,
            after=context.options.author,
        )
        return context.options.author
    context.record(
        "author-name",
        f"'About the Author' names nobody; authors[0].name is '{UNKNOWN_AUTHOR}' until a "
        "human sets it (or pass the author's name)",
        line=line,
        after=UNKNOWN_AUTHOR,
        review=True,
    )
    return UNKNOWN_AUTHOR
