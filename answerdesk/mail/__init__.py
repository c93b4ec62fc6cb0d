"""Mail intake: raw storage, parsing, quote stripping, import and the ingest pipeline."""
