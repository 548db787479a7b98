"""Variants: which filtered lists to precompute within the budget, and writing them."""
