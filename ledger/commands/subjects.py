"""The commands that record actors, sources, posts and cases, and corrections."""

from __future__ import annotations

from typing import Annotated, ClassVar, cast

from domain import actor, case, post, source
from domain.actor import ActorKind, Handle
from domain.case import CaseState
from domain.events import Provenance, Text, correct
from domain.post import DeletedBy, HttpStatus
from domain.refs import ActorRef, CaseRef, PostRef, Ref, SourceRef
from domain.source import SourceKind
from ledger.commands.base import (
    Change,
    Count,
    Create,
    SomeRefs,
    Whole,
    WorldTimeArg,
    as_text,
    field,
    parsed_by,
    when,
)
from ledger.unit_of_work import UnitOfWork

HandleArg = Annotated[Handle, parsed_by(Handle.parse), as_text(str)]

# -- actors and sources ---------------------------------------------------------------------------


class RegisterActor(Create):
    """Record a person or organisation under REF (actor/...)."""

    NAME = "actor add"
    METHOD = "register_actor"
    RUNS = staticmethod(actor.register)
    EXAMPLE = 'ledger actor add actor/elon-musk --name "Elon Musk" --kind person --handle x:elonmusk'

    ref: ActorRef
    name: Text = field("Their name.")
    kind: ActorKind = field("A person or an organization.")
    description: Text | None = field("Who they are.", metavar="TEXT", default=None)
    handles: tuple[HandleArg, ...] = field(
        "An account (repeatable).", metavar="PLATFORM:HANDLE", alias="handle", default=()
    )


class AddActorHandle(Change):
    """Record that the actor REF took a handle (a renamed account: drop the old, add the new)."""

    NAME = "actor add-handle"
    METHOD = "add_actor_handle"
    RUNS = staticmethod(actor.add_handle)
    EXAMPLE = "ledger actor add-handle actor/ian-miles-cheong --handle x:stillgray --at 2024-01-02"

    ref: ActorRef
    handle: HandleArg = field("The account taken.", metavar="PLATFORM:HANDLE")
    at: WorldTimeArg = when("when the actor took it")


class DropActorHandle(Change):
    """Record that the actor REF gave up a handle."""

    NAME = "actor drop-handle"
    METHOD = "drop_actor_handle"
    RUNS = staticmethod(actor.drop_handle)
    EXAMPLE = "ledger actor drop-handle actor/ian-miles-cheong --handle x:oldname --at 2024-01-02"

    ref: ActorRef
    handle: HandleArg = field("The account given up.", metavar="PLATFORM:HANDLE")
    at: WorldTimeArg = when("when the actor gave it up")


class RenameActor(Change):
    """Record that the name of the actor REF changed."""

    NAME = "actor rename"
    METHOD = "rename_actor"
    RUNS = staticmethod(actor.rename)
    EXAMPLE = "ledger actor rename actor/twitter --name X --at 2023-07-24"

    ref: ActorRef
    name: Text = field("The new name.")
    at: WorldTimeArg = when("when the name changed")


class RegisterSource(Create):
    """Record a source under REF (source/...)."""

    NAME = "source add"
    METHOD = "register_source"
    RUNS = staticmethod(source.register)
    EXAMPLE = (
        'ledger source add source/fec-foreign-nationals --title "FEC: Foreign nationals" \\\n'
        "  --kind regulation --publisher actor/fec --url https://www.fec.gov/"
    )

    ref: SourceRef
    title: Text = field("Its title.")
    url: Text | None = field("Where it is published.", default=None)
    publisher: ActorRef | None = field("Who published it.", metavar="ACTOR_REF", default=None)
    at: WorldTimeArg | None = when("when it was published", default=None)
    kind: SourceKind = field(default="article")


class ArchiveSource(Change):
    """Record that an archive captured a copy of the source REF."""

    NAME = "source archive"
    METHOD = "archive_source"
    RUNS = staticmethod(source.archive)
    EXAMPLE = (
        "ledger source archive source/fec-foreign-nationals \\\n"
        "  --url https://web.archive.org/web/2024/https://www.fec.gov/ --at 2024-10-18"
    )

    ref: SourceRef
    url: Text = field("Where the archived copy is.")
    at: WorldTimeArg = when("when the copy was captured")
    digest: Text | None = field("A digest of the captured copy.", metavar="TEXT", default=None)


# -- posts -------------------------------------------------------------------------------------------


class PublishPost(Create):
    """Record a post published under REF (post/...)."""

    NAME = "post publish"
    METHOD = "publish_post"
    RUNS = staticmethod(post.publish)
    EXAMPLE = (
        "ledger post publish post/musk-x-this-is-illegal --platform X --author actor/elon-musk \\\n"
        '  --text "This is illegal." --in-reply-to post/cheong-x-labour-politicians \\\n'
        "  --at 2024-10-17..2024-10-18 --source source/newsweek-fact-check"
    )

    ref: PostRef
    platform: Text = field("Where: LinkedIn, X, email, ...")
    author: ActorRef = field("Who wrote it.", metavar="ACTOR_REF")
    text: Text | None = field("What it says (leave out when it was never captured).", default=None)
    url: Text | None = field("Where it was.", default=None)
    in_reply_to: PostRef | None = field(
        "The post it answers.", metavar="POST_REF", alias="in-reply-to", default=None
    )
    at: WorldTimeArg = when("when it was published")


class ObservePost(Change):
    """Record the reach of the post REF; every observation is kept."""

    NAME = "post observe"
    METHOD = "observe_post"
    RUNS = staticmethod(post.observe)
    EXAMPLE = "ledger post observe post/cheong-x-labour-politicians --views 33000000 --at 2024-10-18"

    ref: PostRef
    views: Count | None = field("How many times it was viewed.", default=None)
    likes: Count | None = field("How many likes it had.", default=None)
    reposts: Count | None = field("How many times it was reposted.", default=None)
    at: WorldTimeArg = when("when its reach was observed")


class EditPost(Change):
    """Record that the text of the post REF changed."""

    NAME = "post edit"
    METHOD = "edit_post"
    RUNS = staticmethod(post.edit)
    EXAMPLE = 'ledger post edit post/jane-first --text "Hello, world!" --at 2024-10-16T10:00Z'

    ref: PostRef
    text: Text = field("The new text.")
    at: WorldTimeArg = when("when it was edited")


class ArchivePost(Change):
    """Record that an archive captured the post REF."""

    NAME = "post archive"
    METHOD = "archive_post"
    RUNS = staticmethod(post.archive)
    EXAMPLE = (
        "ledger post archive post/jane-first --at 20241020093000 --status 404 \\\n"
        "  --url https://web.archive.org/web/20241020093000/https://x.com/jane/status/1"
    )

    ref: PostRef
    url: Text = field("Where the archived copy is.")
    at: WorldTimeArg = when("when the copy was captured")
    digest: Text | None = field("A digest of the captured copy.", metavar="TEXT", default=None)
    http_status: HttpStatus | None = field(
        "The HTTP status the capture got: 404, 410 or 451 show the post gone.",
        alias="status",
        metavar="CODE",
        default=None,
    )
    tombstone: bool = field("The capture shows the platform's page for a removed post.", default=False)
    text: Text | None = field("The post's text as captured (its SHA-256 is kept).", default=None)


class DeletePost(Change):
    """Record that the post REF was deleted."""

    NAME = "post delete"
    METHOD = "delete_post"
    RUNS = staticmethod(post.delete)
    EXAMPLE = (
        "ledger post delete post/labour-linkedin-invite --at 2024-10-14..2024-10-18 \\\n"
        "  --deleted-by unknown --source source/newsweek-fact-check"
    )

    ref: PostRef
    at: WorldTimeArg = when("when it was deleted, often a window from last seen to first seen missing")
    deleted_by: DeletedBy = field(alias="deleted-by", default="unknown")


class RestorePost(Change):
    """Record that the deleted post REF became visible again."""

    NAME = "post restore"
    METHOD = "restore_post"
    RUNS = staticmethod(post.restore)
    EXAMPLE = "ledger post restore post/jane-first --at 2024-10-20"

    ref: PostRef
    at: WorldTimeArg = when("when it became visible again")


# -- cases and corrections ---------------------------------------------------------------------------


class OpenCase(Create):
    """Open a case under REF (case/...)."""

    NAME = "case open"
    METHOD = "open_case"
    RUNS = staticmethod(case.open_case)
    EXAMPLE = (
        "ledger case open case/labour-staff-us-campaign \\\n"
        '  --title "Labour staff campaigning for Harris in the US (October 2024)"'
    )

    ref: CaseRef
    title: Text = field("What the case is about.")
    description: Text | None = field("More about it.", metavar="TEXT", default=None)


class LinkToCase(Change):
    """Link subjects to the case REF (all of them, or none)."""

    NAME = "case link"
    METHOD = "link_to_case"
    RUNS = staticmethod(case.link)
    EXAMPLE = (
        "ledger case link case/labour-staff-us-campaign post/labour-linkedin-invite \\\n"
        "  claim/cheong-hundred-politicians"
    )
    ARGUMENTS: ClassVar[tuple[str, ...]] = ("ref", "subjects")

    ref: CaseRef
    subjects: SomeRefs = field(metavar="SUBJECT_REF...", alias="subject")

    def record(self, work: UnitOfWork, provenance: Provenance) -> None:
        # One entry per subject, each checked against the case as the one before left it.
        for subject in self.subjects:
            state = cast(CaseState, work.subject(self.ref))  # a case: its ref is a CaseRef
            work.add(case.link(state, subject, provenance=provenance, directory=work))


class AddCaseNote(Change):
    """Add a note to the case REF."""

    NAME = "case note"
    METHOD = "add_case_note"
    RUNS = staticmethod(case.note)
    EXAMPLE = (
        "ledger case note case/labour-staff-us-campaign --at 2024-09 \\\n"
        '  --text "Context: Keir Starmer met Donald Trump." --source source/bbc-starmer-trump'
    )

    ref: CaseRef
    text: Text = field("The note.")
    at: WorldTimeArg = when("the world time the note is about")


class Correct(Change):
    """Append a correction of entry VERSION of REF; nothing is edited."""

    NAME = "correct"
    METHOD = "correct"
    RUNS = staticmethod(correct)
    EXAMPLE = (
        "ledger correct post/labour-linkedin-invite --version 1 \\\n"
        '  --reason "The post was published on 15 October, not 14" --source source/newsweek-fact-check'
    )

    ref: Ref
    version: Whole = field("The entry (version of REF) it corrects.")
    reason: Text = field("What was wrong.")

    def record(self, work: UnitOfWork, provenance: Provenance) -> None:
        # A correction may name any subject; its sources are checked here, as the domain takes no directory.
        checked = provenance.checked(work)
        work.add(
            correct(work.subject(self.ref), version=self.version, reason=self.reason, provenance=checked)
        )


__all__ = [
    "AddActorHandle",
    "AddCaseNote",
    "ArchivePost",
    "ArchiveSource",
    "Correct",
    "DeletePost",
    "DropActorHandle",
    "EditPost",
    "LinkToCase",
    "ObservePost",
    "OpenCase",
    "PublishPost",
    "RegisterActor",
    "RegisterSource",
    "RenameActor",
    "RestorePost",
]
