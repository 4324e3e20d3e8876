import FoundationEssentials
import TokenFormats
import TokenScanEngine
import TokenScanModel

/// What a signed URL says about itself (design §5, "Credentials that requests carry": its
/// parameters are its claims): until when it is valid, what it permits, and whether it carries an
/// AWS session token. Read from the rule's whole match, because the signature alone says nothing.
public struct SignedURLClaims: Sendable, Equatable {
    public var format: SignedURLFormat
    /// `nil` when the URL states no expiry (an Azure SAS bound to a stored access policy holds it
    /// in the policy).
    public var expiresAt: Date?
    /// The permissions the URL states (Azure `sp`, decoded), `nil` when it states none.
    public var permissions: String?
    /// The write-type rights among them, spelled out (`write`, `delete` …).
    public var writeRights: [String]
    /// The URL carries `X-Amz-Security-Token`: temporary credentials, reported as part of it.
    public var carriesSessionToken: Bool

    /// Azure's permission letters that change data or its protection (Create a service SAS,
    /// "Permissions for a blob"; account SAS "sp"): the write, create, delete, add, update,
    /// process, move, execute, ownership and immutability rights, and `x` / `y` (delete a version,
    /// delete permanently), which are deletes too. `r`, `l`, `t` (tags), `f` (filter) only read.
    static let azureWriteRights: [Character: String] = [
        "w": "write", "c": "create", "d": "delete", "a": "add", "u": "update", "p": "process", "m": "move", "e": "execute",
        "o": "ownership", "i": "immutability policy", "x": "delete version", "y": "permanent delete",
    ]

    /// Reads the claims from `match` (the rule's whole match) and checks the signature itself:
    /// a signature of the wrong size for its algorithm was cut short, one of repeated or
    /// template characters is a placeholder.
    static func read(_ match: [UInt8], signature: [UInt8], format: SignedURLFormat) -> Result<SignedURLClaims, Dismissal> {
        let parameters = SignedURLClaims.parameters(match)
        let decodedSignature = PercentEncoding.decode(bytes: signature)
        if Placeholder.isPlaceholder(decodedSignature) || Entropy.bits(decodedSignature) < 3.0 { return .failure(.placeholder) }
        var claims = SignedURLClaims(format: format, expiresAt: nil, permissions: nil, writeRights: [], carriesSessionToken: false)
        switch format {
        case .azureSAS:
            // HMAC-SHA256: 32 bytes, whatever key signed it (account key or user delegation key).
            guard Base64.decode(decodedSignature)?.count == 32 else { return .failure(.truncated) }
            if let expiry = parameters["se"] {
                guard let date = UTCTimestamp.parse(expiry) else { return .failure(.lookAlike) }
                claims.expiresAt = date
            }
            if let permissions = parameters["sp"], !permissions.isEmpty {
                claims.permissions = permissions
                var seen = Set<String>()
                claims.writeRights = permissions.compactMap { azureWriteRights[$0] }.filter { seen.insert($0).inserted }
            }
        case .awsSigV4, .gcsV4:
            let prefix = format == .awsSigV4 ? "x-amz-" : "x-goog-"
            // An HMAC-SHA256 is 64 hex digits; GCS's RSA signatures are 512 (service account keys
            // are RSA-2048: cloud.google.com/iam/docs/keys-create-delete), so a cut one is no
            // signature even when its length is another key size's.
            let validLengths: Set<Int> = format == .awsSigV4 ? [64] : [64, 512]
            guard validLengths.contains(signature.count) else { return .failure(.truncated) }
            guard let signed = parameters[prefix + "date"].flatMap(UTCTimestamp.parse),
                let seconds = parameters[prefix + "expires"].flatMap({ Int($0) }), seconds > 0
            else { return .failure(.lookAlike) }
            claims.expiresAt = signed.addingTimeInterval(TimeInterval(seconds))
            claims.carriesSessionToken = format == .awsSigV4 && parameters["x-amz-security-token"].map { !$0.isEmpty } == true
        case .gcsV2:
            // An RSA-2048 signature (V2 signs with a service account key only).
            guard Base64.decode(decodedSignature)?.count == 256 else { return .failure(.truncated) }
            guard let seconds = parameters["expires"].flatMap({ Int($0) }) else { return .failure(.lookAlike) }
            claims.expiresAt = Date(timeIntervalSince1970: TimeInterval(seconds))
        }
        return .success(claims)
    }

    /// The match's `name=value` parameters, names lowercased, values percent-decoded (the first of
    /// a repeated name wins). `&` and `;` separate them; a `?` or `=` before the first one is not
    /// part of it (`…/blob?sv=`, `SharedAccessSignature=sv=`).
    static func parameters(_ match: [UInt8]) -> [String: String] {
        var result: [String: String] = [:]
        let text = match.split { $0 == UInt8(ascii: "&") || $0 == UInt8(ascii: ";") || $0 == UInt8(ascii: "?") }
        for part in text {
            guard let equals = part.firstIndex(of: UInt8(ascii: "=")) else { continue }
            let name = String(decoding: part[part.startIndex..<equals], as: UTF8.self).lowercased()
            guard result[name] == nil else { continue }
            result[name] = String(decoding: PercentEncoding.decode(bytes: Array(part[(equals + 1)...])), as: UTF8.self)
        }
        return result
    }
}

/// The UTC timestamps signed URLs write: ISO 8601 with or without separators (`2030-01-01`,
/// `2030-01-01T12:00Z`, `2030-01-01T12:00:00.0000000Z`, `20300101T120000Z`). Parsed by hand: the
/// formats are fixed, and no calendar or locale of the machine may change what they mean.
enum UTCTimestamp {
    static func parse(_ text: String) -> Date? {
        let digits = Array(text.utf8).filter { $0 != UInt8(ascii: "-") && $0 != UInt8(ascii: ":") }
        func number(_ range: Range<Int>) -> Int? {
            guard range.upperBound <= digits.count else { return nil }
            var value = 0
            for byte in digits[range] {
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
            }
            return value
        }
        guard let year = number(0..<4), let month = number(4..<6), let day = number(6..<8), (1...12).contains(month), (1...31).contains(day)
        else { return nil }
        var seconds = 0
        if digits.count > 8 {
            // `T`, hours and minutes, optional seconds and fraction, then `Z` (UTC is all Azure,
            // AWS and GCS write).
            guard digits[8] == UInt8(ascii: "T"), let hour = number(9..<11), let minute = number(11..<13), hour < 24, minute < 60 else { return nil }
            seconds = hour * 3600 + minute * 60
            if let second = number(13..<15), second < 61 { seconds += second }
            guard digits.last == UInt8(ascii: "Z") else { return nil }
        }
        let days = ClaimTime.daysFromCivil(year: year, month: month, day: day)
        return Date(timeIntervalSince1970: TimeInterval(days * 86_400 + seconds))
    }
}
