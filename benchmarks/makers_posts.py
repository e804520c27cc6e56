"""Commands that make and change actors, sources and posts, each valid after the ones before."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from benchmarks.world import Command, Post, World

_PLATFORMS = ["X", "LinkedIn", "Facebook", "Instagram", "TikTok", "Threads", "Bluesky", "YouTube", "web"]
_FIRST = ["ana", "ben", "chloe", "dev", "elif", "femi", "gita", "hugo", "ines", "jon", "kofi", "lena"]
_LAST = ["smith", "okafor", "nguyen", "garcia", "kowalski", "haddad", "ito", "silva", "brown", "khan"]
_SOURCE_KINDS = ["article", "regulation", "statement", "social-post", "screenshot", "other"]

# -- actors and sources ----------------------------------------------------------


def register_actor(w: World) -> Command:
    rng = w.rng
    n = w.next_serial()
    if rng.random() < 0.7:
        first, last = rng.choice(_FIRST), rng.choice(_LAST)
        ref = f"actor/{first}-{last}-{n}"
        args: dict[str, Any] = {"name": f"{first.title()} {last.title()}", "kind": "person"}
        w.people.append(ref)
    else:
        word = rng.choice(["daily", "gazette", "herald", "check", "press", "party", "office"])
        ref = f"actor/{word}-{n}"
        args = {"name": f"The {word.title()} {n}", "kind": "organization"}
        w.organisations.append(ref)
    if rng.random() < 0.6:
        args["description"] = w.text.sentence(6, 20)
    if rng.random() < 0.5:
        args["handles"] = [f"x:{ref.partition('/')[2]}"]
    return Command("register_actor", ref, {**args, **w.provenance()})


def register_source(w: World) -> Command:
    rng = w.rng
    n = w.next_serial()
    ref = f"source/{rng.choice(['report', 'filing', 'rules', 'statement', 'capture'])}-{n}"
    args: dict[str, Any] = {
        "title": w.text.words(rng.randint(5, 14)).capitalize(),
        "kind": rng.choice(_SOURCE_KINDS),
        "url": f"https://example.org/{ref.partition('/')[2]}",
        "at": w.clock.strftime("%Y-%m-%d"),
    }
    if w.organisations and rng.random() < 0.7:
        args["publisher"] = w.pick(w.organisations)
    command = Command("register_source", ref, {**args, **w.provenance()})
    w.sources.append(ref)
    return command


def archive_source(w: World) -> Command | None:
    if not w.sources:
        return None
    ref = w.pick(w.sources)
    url = f"https://archive.example/{w.next_serial()}"
    return Command("archive_source", ref, {"url": url, "at": w.at(), **w.provenance()})


# -- posts ------------------------------------------------------------------------


def publish_post(w: World) -> Command | None:
    authors = w.people + w.organisations
    if not authors:
        return None
    rng = w.rng
    n = w.next_serial()
    platform = rng.choice(_PLATFORMS)
    ref = f"post/{platform.lower()}-{n}"
    author = w.pick(w.people) if w.people and rng.random() < 0.8 else rng.choice(authors)
    args: dict[str, Any] = {
        "platform": platform,
        "author": author,
        "text": w.text.post(),
        "at": w.at(),
        "url": f"https://{platform.lower()}.example/{n}",
    }
    if w.post_refs and rng.random() < 0.15:
        args["in_reply_to"] = w.pick(w.post_refs)
    w.posts[ref] = Post(author=author, last=w.clock)
    w.post_refs.append(ref)
    return Command("publish_post", ref, {**args, **w.provenance()})


def live_post(w: World) -> tuple[str, Post] | None:
    if not w.post_refs:
        return None
    ref = w.pick(w.post_refs)
    post = w.posts[ref]
    return None if post.deleted else (ref, post)


def observe_post(w: World) -> Command | None:
    found = live_post(w)
    if found is None:
        return None
    ref, post = found
    rng = w.rng
    post.views = int(post.views * rng.uniform(1.05, 3.0)) + rng.randint(10, 5000)
    args: dict[str, Any] = {"views": post.views, "at": w.at()}
    if rng.random() < 0.7:
        args["likes"] = post.views // rng.randint(20, 200)
    if rng.random() < 0.5:
        args["reposts"] = post.views // rng.randint(100, 2000)
    post.last = w.clock
    return Command("observe_post", ref, {**args, **w.provenance()})


def edit_post(w: World) -> Command | None:
    found = live_post(w)
    if found is None:
        return None
    ref, post = found
    post.last = w.clock
    return Command("edit_post", ref, {"text": w.text.post(), "at": w.at(), **w.provenance()})


def archive_post(w: World) -> Command | None:
    found = live_post(w)
    if found is None:
        return None
    ref, post = found
    post.last = w.clock
    args = {
        "url": f"https://archive.example/{w.next_serial()}",
        "at": w.at(),
        "digest": f"sha256:{w.rng.getrandbits(256):064x}",
    }
    return Command("archive_post", ref, {**args, **w.provenance()})


def delete_post(w: World) -> Command | None:
    found = live_post(w)
    if found is None:
        return None
    ref, post = found
    # Deletions are seen as a window: last seen live .. first seen missing.
    window = f"{w.minute(post.last)}..{w.minute(w.clock)}"
    post.deleted, post.last = True, w.clock
    w.deleted_posts.append(ref)
    deleted_by = w.rng.choice(["author", "author", "platform", "unknown"])
    return Command("delete_post", ref, {"at": window, "deleted_by": deleted_by, **w.provenance()})


def restore_post(w: World) -> Command | None:
    if not w.deleted_posts:
        return None
    ref = w.deleted_posts.pop(w.rng.randrange(len(w.deleted_posts)))
    post = w.posts[ref]
    post.deleted, post.last = False, w.clock
    return Command("restore_post", ref, {"at": w.minute(w.clock), **w.provenance()})


MAKERS: dict[str, Callable[[World], Command | None]] = {
    "register_actor": register_actor,
    "register_source": register_source,
    "archive_source": archive_source,
    "publish_post": publish_post,
    "observe_post": observe_post,
    "edit_post": edit_post,
    "archive_post": archive_post,
    "delete_post": delete_post,
    "restore_post": restore_post,
}
"""Each maker by the Ledger method its commands call."""
