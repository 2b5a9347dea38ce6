"""Rendering the centre's documents (PDF, XLSX, CSV, charts) in memory from report models."""
