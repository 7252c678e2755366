"""Dashboards by role: the figures each user needs to act on, as pages and charts."""
