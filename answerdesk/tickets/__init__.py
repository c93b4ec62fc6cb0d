"""Tickets: contacts, tickets, messages, attachments and the ticket timeline."""
