"""Conversation transcripts mailed to the customer who asked for one (docs/webchat.md, Transcripts
by email): `render.py` writes the mail, `sending.py` sends each request once through the mail port."""
