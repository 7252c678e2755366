"""Tests of contract performance, its payment decisions and its scorecard."""
