"""`{{ version.body_html|with_glossary }}`: stored HTML with the current definition
of each glossary term it marks. Pages keep the result under the content stamp,
which moves with every glossary change (caching.py)."""

from django.template import Library

from ..selectors.glossary import glossary_applied

register = Library()
register.filter("with_glossary", glossary_applied)
