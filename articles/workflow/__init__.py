"""The one write service (rules.py) and what it uses: revisions, edit conflicts, editing, forms."""
