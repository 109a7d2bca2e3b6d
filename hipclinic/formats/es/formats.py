# "23 de noviembre de 2026", as Spanish writes a date in words.
DATE_FORMAT = r"j \d\e F \d\e Y"
SHORT_DATE_FORMAT = "j M Y"
