"""Risk-based inspection planning (where to look next) and the yearly on-site coverage."""
