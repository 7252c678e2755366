"""The test suite (pytest); shared helpers in factories.py and clients.py."""
