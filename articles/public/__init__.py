"""What readers get: views, urls, feeds, sitemaps, structured data, preview, redirects."""
