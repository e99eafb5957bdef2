"""A small invented sample library, described by recipes and rendered on demand."""
