# -*- coding: utf-8 -*-
HEADERS = {"Authorization": "Bearer {{opaque-1}}"}
ID_TOKEN = '{{jwt-id}}'
# Ünïcödé before a token on the same line: columns count characters, not bytes.
NOTE = "Grüße, 東京 — {{jwt-refresh}}"
PLACEHOLDER = "Bearer ${ACCESS_TOKEN}"
