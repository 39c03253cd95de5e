"""The IO boundary: files, bytes and the database in, validated DataFrames out."""
