"""The HTTP API refuses an ``as_of`` past the head of the log as a bad request, as the CLI and library do."""

from __future__ import annotations

import httpx

POST = "post/labour-linkedin-invite"


def test_a_position_past_the_head_is_a_bad_request(api: httpx.Client) -> None:
    answer = api.get(f"/subjects/{POST}/timeline", params={"as_of": "38"})
    assert answer.status_code == 400
    assert "as_of 38 is past the head of the log: the last entry is at position 37" in answer.text
    assert api.get(f"/subjects/{POST}/timeline", params={"as_of": "37"}).status_code == 200


def test_a_log_stream_after_the_head_is_a_bad_request(api: httpx.Client) -> None:
    answer = api.get("/log", params={"after": "38"})
    assert answer.status_code == 400
    assert "after 38 is past the head of the log: the last entry is at position 37" in answer.text
    assert api.get("/log", params={"after": "37"}).text == ""
