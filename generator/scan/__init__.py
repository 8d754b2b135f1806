"""Stage 5, scan: checkov in its own environment, chunks, the scan cache, the CKV_TFGEN pack."""
