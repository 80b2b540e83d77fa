"""The hostile corpus (issue 17): every case through the real CLI, every file made by code."""
