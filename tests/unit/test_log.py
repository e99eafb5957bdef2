"""Secrets never reach a log line: the redacting filter on every handler."""

import logging

import pytest

from parlour.log import RedactingFilter, redact

CANARY = "c4n4ry-s3cret-7731"


@pytest.mark.parametrize(
    "line",
    [
        f"GET /rest/ping?u=alice&p={CANARY}&v=1.16.1",
        f"GET /rest/ping?u=alice&t={CANARY}&s=abc123",
        f"GET /rest/ping?apiKey={CANARY}",
        f'login body {{"username": "bob", "password": "{CANARY}"}}',
        f"Authorization: Bearer {CANARY}",
        f"token={CANARY}",
    ],
)
def test_secrets_are_redacted(line: str) -> None:
    cleaned = redact(line)
    assert CANARY not in cleaned
    assert "[redacted]" in cleaned


def test_ordinary_text_is_left_alone() -> None:
    line = "scanned 120 files in library 4f3a, 2 failed"
    assert redact(line) == line


def test_the_filter_rewrites_formatted_records(caplog: pytest.LogCaptureFixture) -> None:
    logger = logging.getLogger("parlour.test.redaction")
    logger.addFilter(RedactingFilter())
    try:
        with caplog.at_level(logging.INFO, logger="parlour.test.redaction"):
            logger.info("request %s", f"/rest/stream?id=1&p={CANARY}")
    finally:
        logger.filters.clear()
    assert caplog.records
    assert CANARY not in caplog.text
