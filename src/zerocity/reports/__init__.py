"""Reports of a computed inventory: text, CSV/JSON and Excel."""
