import TOMLKit
import TokenFormats
import TokenScanModel

/// An identity provider recognised from a JWT's claims (`Rules/providers.toml`): its patterns as
/// text. `ProviderCatalog` compiles them.
///
/// In `TokenScanRules`, with its reader: the build tool that turns `Rules/` into tables reads
/// `providers.toml` with it, so the binary carries the built-in providers as statements.
public struct Provider: Sendable, Equatable {
    public var id: String
    public var name: String
    /// PCRE2, case-insensitive, matched against `iss`.
    public var issuer: String?
    /// PCRE2, case-insensitive, matched against `sub`.
    public var subject: String?
    /// Top-level claims whose presence marks the provider.
    public var claims: [String]
    /// `iss` values the provider must recognise (checked by the test suite).
    public var examples: [String]

    public init(id: String, name: String, issuer: String?, subject: String?, claims: [String], examples: [String]) {
        self.id = id
        self.name = name
        self.issuer = issuer
        self.subject = subject
        self.claims = claims
        self.examples = examples
    }

    /// The `[[providers]]` of a TOML document, in order.
    public static func list(toml: String, origin: String) throws(RuleError) -> [Provider] {
        let table = try TOMLDocument.parse(toml, origin: origin)
        var providers: [Provider] = []
        for (index, entry) in (table["providers"]?.array ?? TOMLArray()).enumerated() {
            guard let providerTable = entry.table else { throw RuleError(file: origin, message: "providers[\(index)] is not a table") }
            let reader = TableReader(table: providerTable, origin: origin, context: "providers[\(index)]")
            try reader.rejectUnknownKeys(["id", "name", "issuer", "subject", "claims", "examples"])
            providers.append(Provider(
                id: try reader.requiredString("id"), name: try reader.requiredString("name"),
                issuer: try reader.string("issuer"), subject: try reader.string("subject"),
                claims: try reader.stringArray("claims"), examples: try reader.stringArray("examples")))
        }
        return providers
    }
}
