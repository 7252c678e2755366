"""Tests of the contracts feature: providers, facilities, procurement, contracts and their
sub-packages (documents, households, submissions)."""
