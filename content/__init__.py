"""Data only: checklist entries, regions, lexicon and message templates (shipped as package data)."""
