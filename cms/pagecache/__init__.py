"""The page cache for anonymous readers: the generation, the HTTP side, the decorator and the middleware."""
