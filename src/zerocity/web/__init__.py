"""Web adapter: FastAPI app, routers, templates and static files."""
