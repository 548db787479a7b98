"""Writing dist/: the staging folder swapped in atomically, and running two stages side by side."""
