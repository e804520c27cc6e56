"""The seed story, recorded through the Python API.

A LinkedIn post inviting Labour Party staff to campaign for Kamala Harris,
published then deleted; Ian Miles Cheong's and Elon Musk's claims about it
with their reach; Newsweek's fact-check rebutting both with evidence from
Politico and the FEC's rules; and Newsweek's request for comment emailed to
Labour's press office (source: ``shared/seed/article.txt``).

Editorial choices, where the article is silent:
- the author of the LinkedIn post is not named in the article, so the actor
  is "a senior member of the Labour Party";
- the post was published "this week" (reports in the week of 14 October
  2024) and before Cheong's post of 17 October: a window;
- the deletion is known only to have happened by the time of the article,
  so it is a window from the earliest possible publication to the article;
- the article (Newsweek's fact-check) is dated 18 October 2024.

Run ``python -m ledger.demo`` to record it in a fresh in-memory ledger and
print the two timelines that matter. The same story is a case file,
``examples/labour-harris-2024.toml`` (installed as ``ledger.examples``), which
:func:`load_example` imports and ``ledger demo`` shows.
"""

from __future__ import annotations

import sys
from importlib.resources import as_file, files
from typing import TextIO

from domain.errors import InvalidError
from ledger.facade import Ledger
from ledger.formats.casefile import ImportResult
from ledger.formats.wording import counted
from projections.timeline import Timeline

POST = "post/labour-linkedin-invite"
COMMENT = "comment/newsweek-to-labour-press"
CASE = "case/labour-staff-us-campaign"
ARTICLE = "source/newsweek-fact-check"
ARTICLE_DATE = "2024-10-18"
EXAMPLE = "labour-harris-2024.toml"
"""The seed story as a case file, in the package ``ledger.examples``."""

LINKEDIN_TEXT = (
    "I have nearly 100 Labour Party staff (current and former) going to the US in the next few "
    "weeks heading to Carolina, Nevada, Pennsylvania and Virginia. I have 10 spots available for "
    "anyone available to head to the battleground state of North Carolina – we will sort your housing."
)
CHEONG_TEXT = (
    "Around a hundred UK Labour politicians are campaigning on behalf of Kamala Harris across "
    "battleground states. Isn't this foreign election interference? Imagine if members of the "
    "Russian Duma did this."
)
FEC_VOLUNTEER_QUOTE = (
    "Although foreign nationals may not make contributions or expenditures (including advances of "
    "personal funds) in connection with any federal, state or local election, an individual who is "
    "a foreign national may participate in campaign activities as an uncompensated volunteer"
)


def record_seed_story(ledger: Ledger) -> None:
    """Record the whole seed story in ``ledger``, in one batch."""
    with ledger.batch():
        _actors(ledger)
        _sources(ledger)
        _posts(ledger)
        _claims(ledger)
        _reviews(ledger)
        _comment_request(ledger)
        _case(ledger)


def load_example(ledger: Ledger) -> ImportResult:
    """Import the seed story's case file into ``ledger``, which must be empty.

    >>> with Ledger.open(":memory:") as ledger:
    ...     load_example(ledger).entries, ledger.get(POST).status
    (34, 'deleted')
    """
    if ledger.head:
        raise InvalidError(
            f"the demo needs a fresh ledger: {ledger.url} already holds {counted(ledger.head, 'entry')}"
        )
    with as_file(files("ledger.examples") / EXAMPLE) as path:
        return ledger.import_file(path)


def _actors(ledger: Ledger) -> None:
    src = [ARTICLE]
    ledger.register_actor(
        "actor/newsweek", name="Newsweek", kind="organization", description="US news magazine"
    )
    ledger.register_source(
        ARTICLE,
        title="Staff from UK's Labour Party campaigning for Harris: misleading claims fact-checked",
        kind="article",
        publisher="actor/newsweek",
        at=ARTICLE_DATE,
    )
    actors = [
        ("actor/labour-party", "Labour Party", "organization", "The United Kingdom's ruling party", ()),
        (
            "actor/labour-senior-member",
            "Senior member of the Labour Party (unnamed in the article)",
            "person",
            "Author of the LinkedIn post inviting staff to campaign in the US",
            (),
        ),
        ("actor/labour-press-office", "Labour Party media representative", "organization", None, ()),
        (
            "actor/ian-miles-cheong",
            "Ian Miles Cheong",
            "person",
            "Conservative social media personality",
            ("x:stillgray",),
        ),
        ("actor/elon-musk", "Elon Musk", "person", "SpaceX CEO", ("x:elonmusk",)),
        ("actor/politico", "Politico", "organization", "News organisation", ()),
        ("actor/fec", "Federal Election Commission", "organization", "US federal regulator", ()),
        ("actor/ruth-cadbury", "Ruth Cadbury", "person", "Labour Member of Parliament", ()),
        ("actor/bbc", "BBC", "organization", "British broadcaster", ()),
        ("actor/keir-starmer", "Keir Starmer", "person", "Labour leader and UK Prime Minister", ()),
        ("actor/donald-trump", "Donald Trump", "person", "Former US President", ()),
        ("actor/nigel-farage", "Nigel Farage", "person", "Leader of Reform UK", ()),
        ("actor/liz-truss", "Liz Truss", "person", "Former UK Prime Minister", ()),
    ]
    for ref, name, kind, description, handles in actors:
        ledger.register_actor(
            ref, name=name, kind=kind, description=description, handles=handles, sources=src
        )


def _sources(ledger: Ledger) -> None:
    ledger.register_source(
        "source/linkedin-post-capture",
        title="The LinkedIn post inviting Labour staff to campaign in US battleground states, as quoted",
        kind="social-post",
        publisher="actor/labour-senior-member",
        sources=[ARTICLE],
    )
    ledger.register_source(
        "source/politico-labour-activists",
        title="Politico: Labour politicians have visited the US to help Democrats",
        kind="article",
        publisher="actor/politico",
        sources=[ARTICLE],
    )
    ledger.register_source(
        "source/fec-foreign-nationals",
        title="FEC: Foreign nationals",
        kind="regulation",
        publisher="actor/fec",
        url="https://www.fec.gov/help-candidates-and-committees/foreign-nationals/",
    )
    ledger.register_source(
        "source/bbc-starmer-trump",
        title="BBC: Starmer and Trump meet in New York",
        kind="article",
        publisher="actor/bbc",
        at="2024-09",
        sources=[ARTICLE],
    )


def _posts(ledger: Ledger) -> None:
    src = [ARTICLE]
    ledger.publish_post(
        POST,
        platform="LinkedIn",
        author="actor/labour-senior-member",
        text=LINKEDIN_TEXT,
        at="2024-10-14..2024-10-17",
        sources=[ARTICLE, "source/linkedin-post-capture"],
        note="Reported 'this week' by Newsweek; before Cheong's post of 17 October.",
    )
    ledger.delete_post(
        POST,
        at=f"2024-10-14..{ARTICLE_DATE}",
        deleted_by="unknown",
        sources=src,
        note="'The post has since been deleted.' Known only to be gone by the time of the article.",
    )
    ledger.publish_post(
        "post/cheong-x-labour-politicians",
        platform="X",
        author="actor/ian-miles-cheong",
        text=CHEONG_TEXT,
        at="2024-10-17",
        sources=src,
    )
    ledger.observe_post("post/cheong-x-labour-politicians", at=ARTICLE_DATE, views=33_000_000, sources=src)
    ledger.publish_post(
        "post/musk-x-this-is-illegal",
        platform="X",
        author="actor/elon-musk",
        text="This is illegal.",
        in_reply_to="post/cheong-x-labour-politicians",
        at=f"2024-10-17..{ARTICLE_DATE}",
        sources=src,
    )
    ledger.observe_post("post/musk-x-this-is-illegal", at=ARTICLE_DATE, views=33_100_000, sources=src)


def _claims(ledger: Ledger) -> None:
    ledger.make_claim(
        "claim/cheong-hundred-politicians",
        text="Around a hundred UK Labour politicians are campaigning on behalf of Kamala Harris "
        "across battleground states.",
        claimant="actor/ian-miles-cheong",
        post="post/cheong-x-labour-politicians",
        about=[POST],
        at="2024-10-17",
        sources=[ARTICLE],
    )
    ledger.make_claim(
        "claim/musk-this-is-illegal",
        text="This is illegal.",
        claimant="actor/elon-musk",
        post="post/musk-x-this-is-illegal",
        about=[POST, "claim/cheong-hundred-politicians"],
        at=f"2024-10-17..{ARTICLE_DATE}",
        sources=[ARTICLE],
    )


def _reviews(ledger: Ledger) -> None:
    ledger.rebut_claim(
        "claim/cheong-hundred-politicians",
        reviewer="actor/newsweek",
        verdict="Inaccurate",
        rationale="The post invited Labour Party staff, current and former, not elected politicians; "
        "there is no evidence that MPs or councillors would join the trip, nor that staff were "
        "sent at the behest of the party.",
        evidence=[
            "source/linkedin-post-capture:I have nearly 100 Labour Party staff (current and former) "
            "going to the US",
            "source/politico-labour-activists:We’re all left of center activists and when you travel "
            "abroad it’s good to show solidarity",
        ],
        at=ARTICLE_DATE,
        sources=[ARTICLE],
    )
    ledger.rebut_claim(
        "claim/musk-this-is-illegal",
        reviewer="actor/newsweek",
        verdict="Lacks evidence",
        rationale="US rules let foreign nationals volunteer personal services to a campaign "
        "without compensation, short of taking part in its management.",
        evidence=[f"source/fec-foreign-nationals:{FEC_VOLUNTEER_QUOTE}"],
        at=ARTICLE_DATE,
        sources=[ARTICLE],
    )


def _comment_request(ledger: Ledger) -> None:
    ledger.request_comment(
        COMMENT,
        requester="actor/newsweek",
        recipient="actor/labour-press-office",
        channel="email",
        regarding=[POST, "claim/cheong-hundred-politicians"],
        question="Comment on Labour Party staff travelling to campaign for Kamala Harris.",
        at=ARTICLE_DATE,
        sources=[ARTICLE],
        note="'Newsweek has contacted a Labour Party media representative via email for comment.'",
    )


def _case(ledger: Ledger) -> None:
    ledger.open_case(
        CASE,
        title="Labour staff campaigning for Harris in the US (October 2024)",
        sources=[ARTICLE],
    )
    ledger.link_to_case(
        CASE,
        [
            POST,
            "claim/cheong-hundred-politicians",
            "claim/musk-this-is-illegal",
            COMMENT,
        ],
    )
    ledger.add_case_note(
        CASE,
        text="Context: Nigel Farage and Liz Truss travelled to the US to publicly support Donald Trump.",
        at="2024",
        sources=[ARTICLE],
    )
    ledger.add_case_note(
        CASE,
        text="Context: Keir Starmer met Donald Trump; he did not meet Kamala Harris, citing "
        "'diary challenges'.",
        at="2024-09",
        sources=["source/bbc-starmer-trump", ARTICLE],
    )


def render(timeline: Timeline) -> str:
    """A plain-text rendering of a timeline, one entry a line."""
    lines = [f"Timeline of {timeline.subject}"]
    for entry in timeline.entries:
        when = str(entry.occurred_at) if entry.occurred_at else "(ledger)"
        precision = entry.occurred_at.precision.value if entry.occurred_at else ""
        lines.append(f"  {when:<24} {precision:<7} {entry.subject:<36} {entry.summary}")
    return "\n".join(lines)


def main(out: TextIO = sys.stdout) -> None:
    """Record the seed story in memory and print its two timelines."""
    with Ledger.open(":memory:", recorded_by="demo") as ledger:
        record_seed_story(ledger)
        print(render(ledger.timeline(POST)), file=out)
        print(file=out)
        print(render(ledger.timeline(COMMENT)), file=out)


if __name__ == "__main__":
    main()
