"""Reports for people, built from a run record: the public (or internal) HTML page, the
printable annex of proposal lists, and the council's minutes in Markdown.

`view` turns a checked record into the values every report shows (what is public is
decided there, once); `html`, `pdf` and `markdown` only lay those values out."""
