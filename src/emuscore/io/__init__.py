"""Readers and writers for the year's data and the results."""
