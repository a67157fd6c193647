"""The course's database: SQLAlchemy models, sessions, migrations and the queries the rest of the code calls.

Only this package imports SQLAlchemy. The default database is a SQLite file in
this folder (git-ignored); `--db URL` or `GRADE_DB` chooses another.
"""
