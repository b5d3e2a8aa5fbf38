"""Provenance: where a stored video came from.

Two marks, both made by the worker before storage (see DESIGN.md, "Provenance"):
- `watermark`: an invisible mark in the frames that names the job, keyed by the
  site's secret; it survives re-encoding, scaling and cropping.
- `c2pa`: a signed C2PA manifest on the MP4 and poster; exact, but easy to strip.
`trace` reads either back and answers which job (and so which account) made a file.
"""
