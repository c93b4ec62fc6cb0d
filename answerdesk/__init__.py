"""answerdesk: a self-hosted customer-contact desk."""
