"""Texts every app writes the same way (below farmers and the shop: both import it)."""
