"""Commands in comments: finding the new ones (``parse``) and deciding each (``verbs``)."""
