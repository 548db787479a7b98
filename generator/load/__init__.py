"""Load: read the snapshot in content/, validate every record, index it, and read
records back as the exact bytes LL2 sent."""
