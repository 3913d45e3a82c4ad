"""Dashboards: the home page, and the per-role dashboards of the later lifecycle stages. No
models of its own: it composes the selectors of the other apps, always scoped to the user."""
