"""Claims: who claimed what, where, about what; and the reviews of each claim.

Rules:
- a claim is made by an existing actor in an existing post, about existing
  subjects (never about itself);
- a review (rebuttal or support) needs a reviewer who exists, a verdict label
  and a rationale, and its evidence must name existing sources;
- a review or retraction cannot precede the claim it concerns;
- a verdict is revised by a reviewer who reviewed the claim before (in world
  time); a revision keeps the stance of that reviewer's latest review before
  it unless it states a new one;
- the state is the fold of the claim's entries in world-time order: the
  latest review is the latest in world time, whatever order they were found in;
- a claim is retracted at most once; reviews of a retracted claim are still
  recorded (fact-checks of withdrawn claims are common).

In three modules: :mod:`domain.claim.state` (what the ledger knows of a claim),
:mod:`domain.claim.events` (what can happen to it) and :mod:`domain.claim.rules`
(the decisions that record it). Import from here.
"""

from domain.claim.events import (
    ClaimMade,
    ClaimRated,
    ClaimRebutted,
    ClaimRepeated,
    ClaimRetracted,
    ClaimSupported,
    Reviewed,
    VerdictRevised,
    kept_stance,
)
from domain.claim.rules import make, rate, rebut, repeat, retract, revise, support
from domain.claim.state import (
    Appearance,
    ClaimState,
    ClaimStatus,
    Evidence,
    Review,
    ReviewKind,
    Stance,
)

__all__ = [
    "Appearance",
    "ClaimMade",
    "ClaimRated",
    "ClaimRebutted",
    "ClaimRepeated",
    "ClaimRetracted",
    "ClaimState",
    "ClaimStatus",
    "ClaimSupported",
    "Evidence",
    "Review",
    "ReviewKind",
    "Reviewed",
    "Stance",
    "VerdictRevised",
    "kept_stance",
    "make",
    "rate",
    "rebut",
    "repeat",
    "retract",
    "revise",
    "support",
]
