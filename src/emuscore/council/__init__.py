"""The council's work after scoring: reasoned adjustments of the year's data, rulings on
ties and withheld proposals, secret-ballot tallies, and the final record that links the
decision to the proposal it came from (docs/council.md).

`decisions` holds the values (below the pipeline, which reads them); `files` reads the
CSV files; `adjust` applies adjustments over a dataset; `apply` re-runs a record with
its council part; `finalize` builds the final record."""
