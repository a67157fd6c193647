"""The instructor's view of the class: reports computed in SQL (db.queries), CSV, Gradescope files,
terminal tables and a self-contained HTML page."""
