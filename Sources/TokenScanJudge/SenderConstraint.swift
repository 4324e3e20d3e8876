import TokenFormats
import TokenScanModel

/// Whether a JWT can be used only together with a key its holder keeps: the reason design §5
/// gives a sender-constrained token (`sender-constrained`). It changes no row of the table — a
/// leaked bound token still shows what the issuer granted, and the key may have leaked beside it —
/// but it tells the reader why it is less immediately usable than a plain bearer token.
///
/// Two shapes:
/// - an access token with a confirmation claim (RFC 7800 `cnf`): `jkt` (RFC 9449, DPoP),
///   `x5t#S256` (RFC 8705, mutual TLS), or a key given by `jwk`, `jwe`, `kid` or `jku`;
/// - a DPoP proof (RFC 9449 §4.2, header `typ: dpop+jwt`): a proof of possession for one HTTP
///   request (`htm`, `htu`), which carries its public key in its header by design.
enum SenderConstraint {
    /// The confirmation members that name a key (RFC 7800 §3, RFC 8705 §3.1, RFC 9449 §6.1).
    static let confirmationMembers = ["jkt", "x5t#S256", "jwk", "jwe", "kid", "jku"]

    static func isDPoPProof(_ jwt: JWT) -> Bool {
        jwt.header["typ"]?.string?.lowercased() == "dpop+jwt"
    }

    static func reason(_ jwt: JWT) -> Reason? {
        if isDPoPProof(jwt) {
            let request = [jwt.claims["htm"]?.string, jwt.claims["htu"]?.string].compactMap { $0 }.joined(separator: " ")
            let target = request.isEmpty ? "one request" : "one request (\(request.prefix(80)))"
            return Reason(
                "sender-constrained",
                "A DPoP proof: it proves possession of the key in its header for \(target), and is usable only by whoever holds that key's private half.")
        }
        guard let confirmation = jwt.claims["cnf"]?.object,
              let member = confirmationMembers.first(where: { confirmation[$0] != nil }) else { return nil }
        let how = member == "x5t#S256" ? "a client certificate (cnf x5t#S256, mutual TLS)" : "a key (cnf \(member))"
        return Reason(
            "sender-constrained",
            "It is bound to \(how): it is usable only together with that key's private half, which a leak of the token alone does not give away.")
    }
}
