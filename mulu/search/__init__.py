"""Chinese search: one tokenizer (mirrored in ``theme/static/js/tokenizer.js``), a compact
token-keyed index that expands into a lunr index, split into shards a query fetches only some
of, and the display data of the results. A build imports only what writes the files
(:mod:`.shards`); answering a query as the browser does (:mod:`.answer`) brings in lunr."""
