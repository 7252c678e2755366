"""Household-survey records: import, lists, masking, anomaly flags, assistance standards, spot
checks and the survey-window reminders."""
