"""Presentation: plain results turned into terminal tables (rich) or JSON."""
