# "23 de noviembre de 2026", as Spanish writes a date in words.
DATE_FORMAT = r"j \d\e F \d\e Y"
DATETIME_FORMAT = r"j \d\e F \d\e Y, H:i"
# Short dates: "23 nov 2026". Spanish months are lowercase: Django's "M" capitalises the
# abbreviation ("Nov"), "b" does not.
SHORT_DATE_FORMAT = "j b Y"
SHORT_DATETIME_FORMAT = "j b Y, H:i"
MONTH_DAY_FORMAT = "j b"
