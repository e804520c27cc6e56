"""Recording commands for actors, sources, posts and cases, and corrections.

Each opens the ledger, calls one :class:`ledger.Ledger` method and prints the
reference it recorded.
"""

from __future__ import annotations

import click

from cli.options import open_ledger, provenance_options, when_option
from domain.worldtime import WorldTime

ACTOR_KINDS = ("person", "organization")
SOURCE_KINDS = ("article", "regulation", "statement", "social-post", "screenshot", "other")
DELETED_BY = ("author", "platform", "unknown")


@click.group()
def actor() -> None:
    """Record people and organisations."""


@actor.command("add")
@click.argument("ref")
@click.option("--name", required=True, help="Their name.")
@click.option("--kind", required=True, type=click.Choice(ACTOR_KINDS), help="A person or an organization.")
@click.option("--description", metavar="TEXT", help="Who they are.")
@click.option(
    "--handle", "handles", multiple=True, metavar="PLATFORM:HANDLE", help="An account (repeatable)."
)
@provenance_options
def actor_add(
    *,
    ref: str,
    name: str,
    kind: str,
    description: str | None,
    handles: tuple[str, ...],
    sources: tuple[str, ...],
    note: str | None,
) -> None:
    """Record a person or organisation under REF (actor/...).

    \b
    Example:
      ledger actor add actor/elon-musk --name "Elon Musk" --kind person --handle x:elonmusk
    """
    ledger = open_ledger(create=True)
    click.echo(
        ledger.register_actor(
            ref, name=name, kind=kind, description=description, handles=handles, sources=sources, note=note
        )
    )


@click.group()
def source() -> None:
    """Record sources: articles, regulations, statements, captures."""


@source.command("add")
@click.argument("ref")
@click.option("--title", required=True, help="Its title.")
@click.option("--url", help="Where it is published.")
@click.option("--publisher", metavar="ACTOR_REF", help="Who published it.")
@when_option(required=False, help="when it was published")
@click.option("--kind", type=click.Choice(SOURCE_KINDS), default="article", show_default=True)
@provenance_options
def source_add(
    *,
    ref: str,
    title: str,
    url: str | None,
    publisher: str | None,
    at: WorldTime | None,
    kind: str,
    sources: tuple[str, ...],
    note: str | None,
) -> None:
    """Record a source under REF (source/...).

    \b
    Example:
      ledger source add source/fec-foreign-nationals --title "FEC: Foreign nationals" \\
        --kind regulation --publisher actor/fec --url https://www.fec.gov/
    """
    ledger = open_ledger(create=True)
    click.echo(
        ledger.register_source(
            ref, title=title, kind=kind, url=url, publisher=publisher, at=at, sources=sources, note=note
        )
    )


@source.command("archive")
@click.argument("ref")
@click.option("--url", required=True, help="Where the archived copy is.")
@when_option(help="when the copy was captured")
@click.option("--digest", metavar="TEXT", help="A digest of the captured copy.")
@provenance_options
def source_archive(
    *, ref: str, url: str, at: WorldTime, digest: str | None, sources: tuple[str, ...], note: str | None
) -> None:
    """Record that an archive captured a copy of the source REF.

    \b
    Example:
      ledger source archive source/fec-foreign-nationals \\
        --url https://web.archive.org/web/2024/https://www.fec.gov/ --at 2024-10-18
    """
    ledger = open_ledger(create=True)
    click.echo(ledger.archive_source(ref, url=url, at=at, digest=digest, sources=sources, note=note))


@click.group()
def post() -> None:
    """Record posts: published, observed, edited, archived, deleted, restored."""


@post.command("publish")
@click.argument("ref")
@click.option("--platform", required=True, help="Where: LinkedIn, X, email, ...")
@click.option("--author", required=True, metavar="ACTOR_REF", help="Who wrote it.")
@click.option("--text", help="What it says (leave out for a post known only by its --url).")
@click.option("--url", help="Where it was.")
@click.option("--in-reply-to", metavar="POST_REF", help="The post it answers.")
@when_option(help="when it was published")
@provenance_options
def post_publish(
    *,
    ref: str,
    platform: str,
    author: str,
    text: str | None,
    url: str | None,
    in_reply_to: str | None,
    at: WorldTime,
    sources: tuple[str, ...],
    note: str | None,
) -> None:
    """Record a post published under REF (post/...).

    \b
    Example:
      ledger post publish post/musk-x-this-is-illegal --platform X --author actor/elon-musk \\
        --text "This is illegal." --in-reply-to post/cheong-x-labour-politicians \\
        --at 2024-10-17..2024-10-18 --source source/newsweek-fact-check
    """
    ledger = open_ledger(create=True)
    click.echo(
        ledger.publish_post(
            ref,
            platform=platform,
            author=author,
            text=text,
            url=url,
            in_reply_to=in_reply_to,
            at=at,
            sources=sources,
            note=note,
        )
    )


@post.command("observe")
@click.argument("ref")
@click.option("--views", type=int, help="How many times it was viewed.")
@click.option("--likes", type=int, help="How many likes it had.")
@click.option("--reposts", type=int, help="How many times it was reposted.")
@when_option(help="when its reach was observed")
@provenance_options
def post_observe(
    *,
    ref: str,
    views: int | None,
    likes: int | None,
    reposts: int | None,
    at: WorldTime,
    sources: tuple[str, ...],
    note: str | None,
) -> None:
    """Record the reach of the post REF; every observation is kept.

    \b
    Example:
      ledger post observe post/cheong-x-labour-politicians --views 33000000 --at 2024-10-18
    """
    ledger = open_ledger(create=True)
    click.echo(
        ledger.observe_post(ref, views=views, likes=likes, reposts=reposts, at=at, sources=sources, note=note)
    )


@post.command("edit")
@click.argument("ref")
@click.option("--text", required=True, help="The new text.")
@when_option(help="when it was edited")
@provenance_options
def post_edit(*, ref: str, text: str, at: WorldTime, sources: tuple[str, ...], note: str | None) -> None:
    """Record that the text of the post REF changed.

    \b
    Example:
      ledger post edit post/jane-first --text "Hello, world!" --at 2024-10-16T10:00Z
    """
    ledger = open_ledger(create=True)
    click.echo(ledger.edit_post(ref, text=text, at=at, sources=sources, note=note))


@post.command("archive")
@click.argument("ref")
@click.option("--url", required=True, help="Where the archived copy is.")
@when_option(help="when the copy was captured")
@click.option("--digest", metavar="TEXT", help="A digest of the captured copy.")
@provenance_options
def post_archive(
    *, ref: str, url: str, at: WorldTime, digest: str | None, sources: tuple[str, ...], note: str | None
) -> None:
    """Record that an archive captured the post REF.

    \b
    Example:
      ledger post archive post/jane-first --url https://archive.ph/abcde --at 2024-10-16T12:00Z
    """
    ledger = open_ledger(create=True)
    click.echo(ledger.archive_post(ref, url=url, at=at, digest=digest, sources=sources, note=note))


@post.command("delete")
@click.argument("ref")
@when_option(help="when it was deleted, often a window from last seen to first seen missing")
@click.option("--deleted-by", type=click.Choice(DELETED_BY), default="unknown", show_default=True)
@provenance_options
def post_delete(
    *, ref: str, at: WorldTime, deleted_by: str, sources: tuple[str, ...], note: str | None
) -> None:
    """Record that the post REF was deleted.

    \b
    Example:
      ledger post delete post/labour-linkedin-invite --at 2024-10-14..2024-10-18 \\
        --deleted-by unknown --source source/newsweek-fact-check
    """
    ledger = open_ledger(create=True)
    click.echo(ledger.delete_post(ref, at=at, deleted_by=deleted_by, sources=sources, note=note))


@post.command("restore")
@click.argument("ref")
@when_option(help="when it became visible again")
@provenance_options
def post_restore(*, ref: str, at: WorldTime, sources: tuple[str, ...], note: str | None) -> None:
    """Record that the deleted post REF became visible again.

    \b
    Example:
      ledger post restore post/jane-first --at 2024-10-20
    """
    ledger = open_ledger(create=True)
    click.echo(ledger.restore_post(ref, at=at, sources=sources, note=note))


@click.group()
def case() -> None:
    """Record cases: one story or investigation, its subjects and notes."""


@case.command("open")
@click.argument("ref")
@click.option("--title", required=True, help="What the case is about.")
@click.option("--description", metavar="TEXT", help="More about it.")
@provenance_options
def case_open(
    *, ref: str, title: str, description: str | None, sources: tuple[str, ...], note: str | None
) -> None:
    """Open a case under REF (case/...).

    \b
    Example:
      ledger case open case/labour-staff-us-campaign \\
        --title "Labour staff campaigning for Harris in the US (October 2024)"
    """
    ledger = open_ledger(create=True)
    click.echo(ledger.open_case(ref, title=title, description=description, sources=sources, note=note))


@case.command("link")
@click.argument("ref")
@click.argument("subjects", nargs=-1, required=True, metavar="SUBJECT_REF...")
@provenance_options
def case_link(*, ref: str, subjects: tuple[str, ...], sources: tuple[str, ...], note: str | None) -> None:
    """Link subjects to the case REF (all of them, or none).

    \b
    Example:
      ledger case link case/labour-staff-us-campaign post/labour-linkedin-invite \\
        claim/cheong-hundred-politicians
    """
    ledger = open_ledger(create=True)
    click.echo(ledger.link_to_case(ref, subjects, sources=sources, note=note))


@case.command("note")
@click.argument("ref")
@click.option("--text", required=True, help="The note.")
@when_option(help="the world time the note is about")
@provenance_options
def case_note(*, ref: str, text: str, at: WorldTime, sources: tuple[str, ...], note: str | None) -> None:
    """Add a note to the case REF.

    \b
    Example:
      ledger case note case/labour-staff-us-campaign --at 2024-09 \\
        --text "Context: Keir Starmer met Donald Trump." --source source/bbc-starmer-trump
    """
    ledger = open_ledger(create=True)
    click.echo(ledger.add_case_note(ref, text=text, at=at, sources=sources, note=note))


@click.command()
@click.argument("ref")
@click.option("--version", required=True, type=int, help="The entry (version of REF) it corrects.")
@click.option("--reason", required=True, help="What was wrong.")
@provenance_options
def correct(*, ref: str, version: int, reason: str, sources: tuple[str, ...], note: str | None) -> None:
    """Append a correction of entry VERSION of REF; nothing is edited.

    \b
    Example:
      ledger correct post/labour-linkedin-invite --version 1 \\
        --reason "The post was published on 15 October, not 14" --source source/newsweek-fact-check
    """
    ledger = open_ledger(create=True)
    click.echo(ledger.correct(ref, version=version, reason=reason, sources=sources, note=note))
