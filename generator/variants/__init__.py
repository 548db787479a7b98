"""Stage 4, variants: which filtered lists to precompute within the budget, and writing them."""
