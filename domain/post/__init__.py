"""Posts: content on a platform, from publication to deletion and beyond.

The state is the fold of the post's entries in world-time order, and a new
entry is checked against the whole history at its world-time place (only the
impossible is refused; overlapping imprecise times pass):
- a post is published once; its author (and the post it replies to) must exist;
  its text may be unknown (a post known only by its traces), and its publication
  time may be known only as an upper bound (``..2024-10-16T10:00Z``);
- nothing can happen to a post before it was published;
- in world-time order, deletions and restorations alternate (deleted only while
  live, restored only while deleted), each possibly after the one before;
- edits, reach observations and captures that show the post must fall, possibly,
  in a period when it was live (a late report of an earlier fact is fine; a view
  count of a page that was already gone is not); a capture that shows the post
  gone (HTTP 404, 410 or 451, or a tombstone page) must fall, possibly, in a
  period when it was deleted, once a deletion is recorded;
- reach observations are non-negative and each is kept: 33M then 33.1M
  views are two observations, not an overwrite.

In four modules, each event beside the decision that records it:
:mod:`domain.post.state` (what the ledger knows of a post),
:mod:`domain.post.publication` (published, edited, reach observed),
:mod:`domain.post.presence` (captured by an archive, deleted, restored) and
:mod:`domain.post.history` (the rules of its history in world time, which
every decision checks). Import from here: the package exports what each module's ``__all__`` lists.
"""

from domain.post import history, presence, publication, state
from domain.post.history import *  # noqa: F403
from domain.post.presence import *  # noqa: F403
from domain.post.publication import *  # noqa: F403
from domain.post.state import *  # noqa: F403

__all__: list[str] = []
__all__ += state.__all__
__all__ += history.__all__
__all__ += publication.__all__
__all__ += presence.__all__
