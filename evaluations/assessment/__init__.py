"""Assessment templates as versioned data: sections, items, grade bands, the format, editors."""
