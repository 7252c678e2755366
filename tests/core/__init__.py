"""Tests of the core: factory, login, roles, scoping, audit, API door, scheduler."""
