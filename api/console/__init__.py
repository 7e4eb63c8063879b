"""The staff console: server-rendered pages (Jinja2, no CDN) over the same services as the API."""
