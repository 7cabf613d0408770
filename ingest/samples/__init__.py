"""The project's own sample papers (fictional Northshire County Council) and their generator."""
