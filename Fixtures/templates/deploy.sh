#!/bin/sh
curl -sS -H "Authorization: Bearer {{opaque-6}}" \
     -H 'Content-Type: application/json' https://api.example.com/deploy
curl -H "Authorization: Bearer $DEPLOY_TOKEN" https://api.example.com/deploy
curl "https://api.example.com/items?access_token={{opaque-7}}"
curl -H "Authorization: Bearer {{gitlab-pat}}" https://gitlab.example.com/api/v4/user
curl -H "Authorization: Bearer ghp_2lClRY3IqVehSKEbYNlm8g5pbYPb044110kS" https://api.github.com/user
