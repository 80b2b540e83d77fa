"""Analyses over coded documents: intercoder agreement and friends, free of storage and UI."""
