# Dates as clinics and patients read them: "23 November 2026" (day, month in words, year),
# which no reader mistakes for another day, whichever side of the Atlantic they are on.
DATE_FORMAT = "j F Y"
SHORT_DATE_FORMAT = "j M Y"
