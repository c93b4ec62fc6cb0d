"""The knowledge base: FAQ articles that answer customers, suggested for each ask."""
