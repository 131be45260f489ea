"""Reads shared by pages, the API and the command line: one query, one set of numbers."""
