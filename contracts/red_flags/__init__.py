"""Procurement red flags: computed from the bureau's procurement and contract data, shown on
each procurement and in a list for officers, each markable as reviewed with a comment."""
