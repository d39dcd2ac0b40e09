"""Chinese search: one tokenizer (mirrored in ``theme/static/js/tokenizer.js``), a compact
token-keyed index that expands into a lunr index, and the display data of the results."""
