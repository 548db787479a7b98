"""Incremental builds: the build cache, derived values kept between builds, and the digests
that decide what may be reused."""
