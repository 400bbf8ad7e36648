"""Wording: the one escaping function for user text, the Jinja2 engine and templates, and the
context each note is rendered with. No decisions here."""
