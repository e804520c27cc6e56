"""Subjects' ids: the UUID5 of a reference, in a module without pydantic.

:mod:`domain.refs` checks references and derives ids through it; the CLI's light read path
(:mod:`projections.stored_timeline`) derives them here without loading pydantic.
"""

from __future__ import annotations

from typing import Final
from uuid import UUID

#: Namespace of the UUID5 ids of subjects. Never change it: ids derive from it.
REF_NAMESPACE: Final = UUID("6f1b4d2e-8a57-5c3e-9d0b-2f4e7a1c9b30")
