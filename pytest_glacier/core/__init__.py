"""HTTP-level core shared by every front door: request/response types, routing, errors,
tree hashes, the clock and seeded ids. Nothing here knows which door a request came through."""
