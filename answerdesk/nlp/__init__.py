"""Understanding customer messages, offline, in French and English; plain Python, no Django."""
