"""Bounds on the work one dossier may cause; read by the listing, the sources and the cache key."""

from __future__ import annotations

from dataclasses import dataclass

MB = 2**20


@dataclass(frozen=True)
class Limits:
    """Bounds on the work one dossier may cause (each exposed as a CLI flag)."""

    max_files: int = 500  # files read per dossier
    max_file_bytes: int = 100 * MB  # one file (a zip member: uncompressed)
    max_total_bytes: int = 1024 * MB  # all files together (uncompressed)
    max_pages: int = 60  # pages read of one PDF
    max_ocr_pages: int = 6  # pages OCR'd in one file
    max_ocr_total: int = 60  # pages OCR'd in the whole dossier
    max_pixels: int = 40_000_000  # pixels of one decoded image or rendered page
    max_zip_ratio: int = 200  # uncompressed/compressed size of a zip member (or docx part)
    max_dirs: int = 2000  # folders walked in a folder dossier
