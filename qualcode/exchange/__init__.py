"""Exchange with other tools: REFI-QDA codebooks (.qdc) and projects (.qdpx)."""
