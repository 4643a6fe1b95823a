"""The Taibao demo world: products, households, buyers, a year of history, settlement.

It depends on every app and nothing depends on it.
"""
