"""Audit: self-contained run records (record), replay bit for bit (replay), the difference
between two records (diff), one unit's explanation with what it would have taken for each
award (explain), and a hash-chained SQLite ledger of published records (ledger)."""
