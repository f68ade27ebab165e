"""Persistence: tables, engine, unit of work. The only package that imports SQLAlchemy."""
