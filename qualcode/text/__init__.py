"""Text: reading files, normalising, speaker turns, spaCy analysis and coding units."""
