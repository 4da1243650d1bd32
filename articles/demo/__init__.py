"""Demo content and demo accounts (load_demo)."""
