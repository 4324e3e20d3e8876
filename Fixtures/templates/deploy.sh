#!/bin/sh
curl -sS -H "Authorization: Bearer {{opaque-6}}" \
     -H 'Content-Type: application/json' https://api.example.com/deploy
curl -H "Authorization: Bearer $DEPLOY_TOKEN" https://api.example.com/deploy
curl "https://api.example.com/items?access_token={{opaque-7}}"
