import FoundationEssentials
import TokenFormats
import TokenScanModel

/// Macaroons, version 1 and 2, base64 or hex (`Macaroon`): the first-party caveats are its claims.
/// Design §5: a `time-before` / `time <` caveat is the expiry (`exp`); an LND macaroon's identifier
/// lists its permissions (`entity:action`), which are its scope (`permissions`, judged with
/// `Rules/scopes.toml`: any `…:write` is broad); any other macaroon states no scope.
struct MacaroonDecoder: ClaimsDecoder {
    var validation: String { "macaroon" }
    var ruleID: String { "macaroon" }

    /// Version 2 with a location or identifier field first, or a v1 packet: a value of that shape
    /// (after `Bearer`, under a name) is a macaroon to accept or refuse.
    func recognises(_ token: [UInt8]) -> Bool {
        token.count >= MacaroonDecoder.minimumLength && Macaroon.hasShape(token)
    }

    /// Characters of the shortest whole macaroon worth a look: a 32-byte signature alone is 43.
    static let minimumLength = 60

    func decode(_ token: [UInt8]) -> Result<DecodedToken, ClaimsDecodeError> {
        switch Macaroon.decode(token) {
        case .success(let macaroon):
            var header: [String: JSONValue] = [
                "version": .string(String(macaroon.version)), "encoding": .string(macaroon.encoding.rawValue)]
            header["location"] = macaroon.location.map(JSONValue.string)
            var claims: [String: JSONValue] = [:]
            let caveats = macaroon.caveats.map { $0.isThirdParty ? "(third-party caveat)" : String(decoding: $0.identifier, as: UTF8.self) }
            if !caveats.isEmpty { claims["caveats"] = .array(caveats.map(JSONValue.string)) }
            if let expiry = macaroon.expiry {
                claims["exp"] = .string(RelativeTime.iso8601(Date(timeIntervalSince1970: expiry)))
            }
            var name = "macaroon (version \(macaroon.version))"
            if let permissions = macaroon.bakeryPermissions {
                claims["permissions"] = .array(permissions.map(JSONValue.string))
                name = "LND macaroon"
            }
            return .success(DecodedToken(format: "macaroon", name: name, header: header, claims: claims, encrypted: false))
        case .failure(.notMacaroon):
            return .failure(ClaimsDecodeError(dismissal: .malformed, message: "it is neither a version 1 nor a version 2 macaroon"))
        case .failure(.truncated):
            return .failure(ClaimsDecodeError(
                dismissal: .truncated, message: "it ends before its 32-byte signature, or data follows it: a macaroon cut short"))
        }
    }
}
