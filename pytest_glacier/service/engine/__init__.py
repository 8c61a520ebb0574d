"""The engine: one request in, one response out (dispatch, context, state, validation)."""
