"""The domain in pure Python: content loading, the migrant-child rule, eligibility, matching, urgency."""
