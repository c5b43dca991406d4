"""The read-only web page: deals with filters and search, a deal's page, feed health, the digest archive,
the deals as feeds, /healthz and /metrics."""
