"""Tests of the inspection plan, the yearly coverage and the campaign from the plan (issue 17 §1)."""
