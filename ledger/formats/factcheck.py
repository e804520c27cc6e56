"""Google Fact Check Tools API in: the responses of ``claims:search`` (v1alpha1).

Source: Fact Check Tools API reference, ``claims.search`` response body:
``claims[]`` each with ``text``, ``claimant``, ``claimDate`` and
``claimReview[]`` (``publisher{name, site}``, ``url``, ``title``,
``reviewDate``, ``textualRating``, ``languageCode``). Each ``claimReview``
becomes one :class:`~ledger.formats.reviews.ReviewItem`, recorded as a
ClaimReview would be. The response names no appearance of the claim and no
rating numbers; the claimant is a name only (recorded as a person).
"""

from __future__ import annotations

import json
import os
from typing import Any

from domain.errors import FormatError, InvalidError
from ledger.formats.claimreview import MAX_FILE_BYTES, read_limited, review_date
from ledger.formats.reviews import Party, Rating, ReviewItem

FACTCHECK_NAMES = {
    "claim": "text",
    "claimant": "claimant",
    "made_at": "claimDate",
    "reviewer": "publisher.name",
    "reviewer_url": "publisher.site",
    "label": "textualRating",
    "reviewed_at": "reviewDate",
    "url": "url",
    "title": "title",
}
"""The response's field behind each part of a :class:`~ledger.formats.reviews.ReviewItem`."""


def read_factcheck(path: str | os.PathLike[str]) -> list[ReviewItem]:
    """Every review in a saved ``claims:search`` response (one object, or a JSON array of pages).

    Raises :class:`~domain.errors.FormatError` naming the file, the item
    (``claims[I].claimReview[J]``, 0-based as in the JSON) and the field.
    """
    name = os.fspath(path)
    raw = read_limited(name, MAX_FILE_BYTES)
    try:
        document = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise FormatError(f"not valid JSON: {error}", file=name) from None
    except RecursionError:
        raise FormatError("not readable: the JSON is nested too deeply", file=name) from None
    pages = document if isinstance(document, list) else [document]
    items: list[ReviewItem] = []
    for page_number, page in enumerate(pages):
        prefix = f"[{page_number}]." if isinstance(document, list) else ""
        claims = page.get("claims") if isinstance(page, dict) else None
        if not isinstance(claims, list):
            raise FormatError(
                "not a claims:search response: no claims[] list", file=name, field=f"{prefix}claims"
            )
        for i, claim in enumerate(claims):
            items.extend(_reviews(name, f"{prefix}claims[{i}]", claim))
    if not items:
        raise FormatError("no claimReview found", file=name)
    return items


def _text(value: Any) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return None
    return value.strip()


def _unusable(value: Any, missing: str, expected: str = "text") -> str:
    """Why ``value`` cannot be used: ``missing`` when it is absent or blank, else what it is instead."""
    if value is None or (isinstance(value, str | list) and not value):
        return missing
    if isinstance(value, str):
        return missing  # only whitespace
    return f"expected {expected}, got {type(value).__name__}"


def _refuse_non_text(
    name: str, where: str, node: dict[str, Any], fields: tuple[str, ...], prefix: str = ""
) -> None:
    """Refuse the first of ``fields`` present in ``node`` but not text, naming it."""
    for field in fields:
        value = node.get(field)
        if value is not None and not isinstance(value, str):
            reason = f"expected text, got {type(value).__name__}"
            raise FormatError(reason, file=name, item=where, field=f"{prefix}{field}")


_CLAIM_TEXT = ("text", "claimant", "claimDate")
_REVIEW_TEXT = ("url", "title", "reviewDate", "textualRating", "languageCode")
_PUBLISHER_TEXT = ("name", "site")
"""The fields read as text: a value of another type is refused, not read as text or left out."""


def _reviews(name: str, where: str, claim: Any) -> list[ReviewItem]:
    if not isinstance(claim, dict):
        raise FormatError("a claim must be an object", file=name, item=where)
    _refuse_non_text(name, where, claim, _CLAIM_TEXT)
    text = _text(claim.get("text"))
    if text is None:
        reason = _unusable(claim.get("text"), "missing: the text of the claim is required")
        raise FormatError(reason, file=name, item=where, field="text")
    claimant = _text(claim.get("claimant"))
    made_at = None
    if claim.get("claimDate") is not None:
        try:
            made_at = review_date(claim["claimDate"], "claimDate")
        except InvalidError as error:
            raise FormatError(
                str(error).removeprefix("claimDate: "), file=name, item=where, field="claimDate"
            ) from None
    reviews = claim.get("claimReview")
    if not isinstance(reviews, list) or not reviews:
        raise FormatError(
            _unusable(reviews, "missing: a claim needs its claimReview[]", "a list"),
            file=name,
            item=where,
            field="claimReview",
        )
    items = []
    for j, review in enumerate(reviews):
        here = f"{where}.claimReview[{j}]"

        def fail(field: str, reason: str, here: str = here) -> FormatError:
            return FormatError(reason, file=name, item=here, field=field)

        if not isinstance(review, dict):
            raise fail("claimReview", "a review must be an object")
        found = review.get("publisher")
        publisher: dict[str, Any] = found if isinstance(found, dict) else {}
        _refuse_non_text(name, here, review, _REVIEW_TEXT)
        _refuse_non_text(name, here, publisher, _PUBLISHER_TEXT, "publisher.")
        publisher_name = _text(publisher.get("name")) or _text(publisher.get("site"))
        if publisher_name is None:
            if found is not None and not isinstance(found, dict):
                raise fail("publisher", f"expected an object with name and site, got {type(found).__name__}")
            raise fail("publisher.name", "missing: the publisher's name or site is required")
        label = _text(review.get("textualRating"))
        if label is None:
            raise fail(
                "textualRating",
                _unusable(review.get("textualRating"), "missing: a review needs its rating (textualRating)"),
            )
        try:
            reviewed_at = review_date(review.get("reviewDate"), "reviewDate")
        except InvalidError as error:
            raise fail("reviewDate", str(error).removeprefix("reviewDate: ")) from None
        site = _text(publisher.get("site"))
        items.append(
            ReviewItem(
                where=here,
                claim_text=text,
                claimant=Party(claimant, None, "person") if claimant else None,
                made_at=made_at,
                appearances=(),
                reviewer=Party(publisher_name, f"https://{site}" if site else None, "organization"),
                rating=Rating(label=label),
                reviewed_at=reviewed_at,
                url=_text(review.get("url")),
                title=_text(review.get("title")),
                language=_text(review.get("languageCode")),
                names=FACTCHECK_NAMES,
            )
        )
    return items
