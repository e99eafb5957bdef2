"""The catalogue: schema, migrations, and the queries every other layer goes through."""
