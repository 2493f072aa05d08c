"""The one relational database shared by actions, channels and the console."""
