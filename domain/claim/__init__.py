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

In three modules, each event beside the decision that records it:
:mod:`domain.claim.state` (what the ledger knows of a claim),
:mod:`domain.claim.making` (made, repeated, retracted) and
:mod:`domain.claim.reviews` (rebutted, supported, rated, revised). Import
from here: the package exports what each module's ``__all__`` lists.
"""

from domain.claim import making, reviews, state
from domain.claim.making import *  # noqa: F403
from domain.claim.reviews import *  # noqa: F403
from domain.claim.state import *  # noqa: F403

__all__: list[str] = []
__all__ += state.__all__
__all__ += making.__all__
__all__ += reviews.__all__
