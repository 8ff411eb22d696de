"""The stages of a run, each a module and each a function from frozen values to frozen
values: `inputs` (the data has what the ruleset reads) -> `score` -> `classify` ->
`rank` -> `eligibility` and `awards`. `emuscore.engine.run` calls them in that order."""
