"""Article content: HTML sanitising, fields, reading level, contents list, addresses, times, accessibility checks."""
