"""The daily digest: which deals each recipient gets (select), when (schedule), as what (render, message),
and how it is delivered exactly once (ledger in the database, then a transport)."""
