"""The desktop window: PySide6 widgets and models over the services; never SQL."""
