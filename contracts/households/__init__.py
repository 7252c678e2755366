"""Household-survey records: import, lists, masking, anomaly flags, subsistence standards, spot
checks and the survey-window reminders."""
