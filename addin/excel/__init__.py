"""Excel files without Excel: the template builder, the report writer, the add-in builder,
and LibreOffice headless for recalculation and pictures."""
