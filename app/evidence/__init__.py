"""Evidence files: intake into encrypted blobs, extraction, media types, image metadata."""
