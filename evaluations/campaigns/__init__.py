"""Campaigns (专项行动): one template over many targets in a window, with progress by county."""
