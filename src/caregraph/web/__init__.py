"""caregraph on the web: pages for every entity, term and source, served or written as static files."""
