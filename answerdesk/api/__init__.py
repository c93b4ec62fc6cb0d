"""The typed REST API (django-ninja) under /api/v1/, and the tokens that open it."""
