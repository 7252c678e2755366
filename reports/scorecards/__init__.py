"""PDF scorecards of inspections and contract performance, their verification and batches."""
