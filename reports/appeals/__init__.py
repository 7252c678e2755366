"""Appeals (申诉/复核) of a finalized inspection result or a payment decision, and their resolution."""
