class Client {
    // Authorization header for the staging API.
    private static final String AUTH = "Bearer {{opaque-8}}";
    private static final String TOKEN = "{{jwt-hs512}}";
    String header(String token) { return "Bearer " + token; }
}
