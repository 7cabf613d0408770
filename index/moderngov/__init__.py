"""Importing committee papers from a council's ModernGov site (mgWebService.asmx).

client.py   polite HTTP (rate limit, retries with backoff, conditional GETs, clear errors)
records.py  the web service's XML → dataclasses
importer.py meetings → downloads → Library.ingest_bytes with the service's item numbers and flags
"""
