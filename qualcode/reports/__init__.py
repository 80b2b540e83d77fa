"""Reports for manuscripts: data first, then renderers (docx, markdown, csv, xlsx)."""
