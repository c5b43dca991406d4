"""Persistence: models, engine, migrations, and the Store (the only code that touches the ORM)."""
