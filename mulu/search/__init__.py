"""Chinese search: one tokenizer (mirrored in ``theme/static/js/tokenizer.js``), a compact
token-keyed index that expands into a lunr index, split into shards a query fetches only some
of, and the display data of the results."""

from .answer import fetched_for

__all__ = ["fetched_for"]
