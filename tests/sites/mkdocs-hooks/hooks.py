import re


def on_page_markdown(markdown, page, config, files):
    """`<!-- md:setting x -->` becomes `x`'s anchor and reference definition."""
    return re.sub(r"<!-- md:setting (\S+) -->", r"`\1` { #\1 }\n\n[\1]: #\1\n", markdown)
