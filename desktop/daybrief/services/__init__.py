"""Use cases over the engine and the store: imports, refreshes, exports. No Qt here."""
