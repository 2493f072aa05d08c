"""Staff console and public web-chat page: one Flask app on :8000 (see `create_app`)."""
