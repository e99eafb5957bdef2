"""Logging set-up, with a filter that keeps passwords and tokens out of every log line."""

import logging
import re
import sys

# key=value or "key": "value" pairs whose values are secrets (query strings, JSON, headers).
_SECRET = re.compile(
    r"""(?ix)
    (\b(?:password|passwd|token|secret|apikey|api_key|p|t|s|authorization)\b
     ["']?\s*[=:]\s*["']?(?:bearer\s+)?)
    ([^\s&"',;]+)
    """
)


def redact(text: str) -> str:
    return _SECRET.sub(r"\1[redacted]", text)


class RedactingFilter(logging.Filter):
    """Rewrites each record's message with secrets replaced."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


def configure_logging(level: str = "INFO") -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactingFilter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
