"""The demo city: a realistic data set for trying CareProcure out."""
