# Dates as clinics and patients read them: "23 November 2026" (day, month in words, year),
# which no reader mistakes for another day, whichever side of the Atlantic they are on.
# Templates name these formats (date:"SHORT_DATE_FORMAT"), never a pattern of their own,
# so each language writes its months its own way.
DATE_FORMAT = "j F Y"
SHORT_DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j F Y, H:i"
SHORT_DATETIME_FORMAT = "j M Y, H:i"
MONTH_DAY_FORMAT = "j M"
