// Service client. Tokens below are substituted by the fixture generator.
const API = "https://api.example.com";
const serviceToken = "{{jwt-live-admin}}";
fetch(`${API}/v1/me`, { headers: { Authorization: `Bearer ${serviceToken}` } }); // template, not a token
const placeholder = "Bearer <token>";
login({{jwt-narrow}}), other({t: {{jwt-expired}}});
const fake = "eyJhbGciOiJIUzI1NiJ9.eyJub3QganNvbg.c2lnbmF0dXJl"; // payload is not JSON
