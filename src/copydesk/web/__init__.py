"""The web: checking remote links for `lint --online`.

`client` asks servers (aiohttp, imported only here), `cache` remembers the
answers between runs with the quarantine of dead links, `settings` reads the
`[links]` configuration table, `outcome` is what one URL came to. Nothing in
this package is imported by an offline lint run.
"""
