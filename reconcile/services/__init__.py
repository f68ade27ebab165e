"""Use cases: the verbs of the service. Each takes ids and primitives, writes the audit
trail, commits, and returns plain data. The API, the staff pages, the CLI and the
scheduler call these and nothing below them."""
