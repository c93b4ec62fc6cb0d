"""Demo data: a hand-written corpus of customer mail to a fictional lighting retailer."""
