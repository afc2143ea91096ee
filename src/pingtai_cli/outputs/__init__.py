"""What people read or keep: reports, forms, the init workbook, explain, compare; one writer."""
