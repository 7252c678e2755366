"""Assessment templates as versioned data: sections, items, kinds, grade bands, the editor."""
