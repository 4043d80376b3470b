"""Exports: tables written as CSV or XLSX, and the background jobs that build the large ones."""
