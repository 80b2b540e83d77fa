"""qualcode: a keyboard-first workbench for coding focus-group transcripts."""

__version__ = "0.1.0"
