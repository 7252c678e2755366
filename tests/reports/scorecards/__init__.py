"""Tests of the PDF scorecards: an inspection's card, its verification, campaign ZIPs."""
