"""The HTTP front end: health, the REST API at /api/v1, and (later) the web UI."""
