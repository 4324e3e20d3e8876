/// The signed-URL formats whose query parameters the judge reads as claims (`validate` names one
/// in `Rules/signed-urls.toml`). A validation rather than a role: the rule is a credential like any
/// other, and what differs is only how its match states expiry and permissions.
public enum SignedURLFormat: String, Sendable, CaseIterable {
    /// Azure shared access signature: `se` (expiry), `sp` (permissions), `sig`.
    case azureSAS = "azure-sas"
    /// AWS SigV4 query authentication: `X-Amz-Date` + `X-Amz-Expires`, `X-Amz-Signature`.
    case awsSigV4 = "aws-sigv4-query"
    /// Google Cloud Storage V4 signing: `X-Goog-Date` + `X-Goog-Expires`, `X-Goog-Signature`.
    case gcsV4 = "gcs-v4-query"
    /// Google Cloud Storage V2 signing: `Expires` (Unix seconds), `Signature`.
    case gcsV2 = "gcs-v2-query"
}

extension Rule {
    /// The signed-URL format among `validate`, if the rule finds signed URLs.
    public var signedURLFormat: SignedURLFormat? { validate.lazy.compactMap(SignedURLFormat.init(rawValue:)).first }
}
