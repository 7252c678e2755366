"""Contract performance per period, its grade, and the payment decisions it allows."""
