"""Question file formats (题库导入): each parser turns a file into ParsedQuestion items and per-question errors,
without touching the database; the import service checks and stores them."""
