import TokenFormats

// Issue #15 in the labelled corpus: the provider formats the scanner missed or got wrong, minted
// from each vendor's documented shape (sources cited beside each format in `ProviderTokenFormat`
// and in the rule files), and real tokens that happen to spell a placeholder word; each beside the
// look-alikes that must stay quiet (an id after a provider prefix, a cut PyPI token, UUIDs in log
// fields, `s.` words, whole placeholder words). Called last, so that older tokens keep their places.

extension CorpusWriter {
    /// Rounds of each file below; every round adds one token of each new format and one look-alike
    /// of it, so that each format has at least 50 of both (the issue's "done when").
    static let issue15Rounds = 50
    /// Lines of the marker-word log: its tokens grow by 23 characters a line, up to 1.3 kB.
    static let markerWordLines = 56

    mutating func providerFormats() {
        issue15Environment()
        issue15Npmrc()
        issue15SlackExport()
        issue15Properties()
        issue15MarkerWords()
    }

    /// `name` then a token, to the end of the line.
    private mutating func assign(_ doc: inout Doc, _ name: String, _ secret: Secret) {
        doc.put(name)
        doc.token(secret)
        doc.line()
    }

    /// `name` then a look-alike, to the end of the line.
    private func assign(_ doc: inout Doc, _ name: String, _ kind: LabelledCorpus.LookAlikeKind, _ text: String) {
        doc.put(name)
        doc.fake(kind, text)
        doc.line()
    }

    private mutating func issue15Environment() {
        var doc = Doc("issue15/credentials.env")
        for index in 0..<CorpusWriter.issue15Rounds {
            assign(&doc, "GITHUB_APP_REFRESH_\(index)=", mint.provider(.githubRefreshLong))
            assign(&doc, "OPENAI_API_KEY_\(index)=", mint.provider(index % 2 == 0 ? .openaiProjectShort : .openaiNamed))
            assign(&doc, index % 2 == 0 ? "export VAULT_TOKEN_\(index)=" : "VAULT_ROOT_TOKEN=", mint.provider(.vaultServiceLegacy))
            assign(&doc, "ID_TOKEN_\(index)=", prettyHeaderJWT(index))
            // A provider prefix before digits only, an `s.` word without Vault context, whole
            // placeholder words.
            assign(&doc, "SLACK_WORKSPACE_ID_\(index)=", .identifier, "xoxa-0\(8_532_509_740 + index * 7_919)")
            assign(&doc, "SESSION_NAME_\(index)=", .identifier, "s." + TokenMinter.opaque(length: 24, seed: "s-word-\(index)"))
            assign(&doc, "VAULT_TOKEN_EXAMPLE_\(index)=", .placeholder, "s.YourVaultTokenHere0000\(pad(index))")
            // Each new format's own look-alike, as its rule's counterexamples show them: a refresh
            // token cut short (GitHub documents no checksum for its 76 characters: the length is
            // the check), an OpenAI key written as a placeholder, a base64 JSON config in three
            // dotted parts that is no JWT (its header names no algorithm).
            let refresh = TokenMinter.provider(.githubRefreshLong, seed: "issue15-ghr-cut-\(index)")
            assign(&doc, "GITHUB_APP_REFRESH_CUT_\(index)=", .truncatedProvider, String(refresh.dropLast(1 + index % 5)))
            assign(&doc, "OPENAI_API_KEY_EXAMPLE_\(index)=", .placeholder,
                   index % 2 == 0 ? "sk-proj-" + String(repeating: "x", count: 60 + index % 7) : "sk-proj-<your-key-\(index)>")
            assign(&doc, "APP_CONFIG_\(index)=", .notAJWT, prettyConfig(index))
        }
        add(doc)
    }

    private mutating func issue15Npmrc() {
        var doc = Doc("issue15/.npmrc")
        for index in 0..<CorpusWriter.issue15Rounds {
            assign(&doc, "//npm\(index).pkg.example/:_authToken=", mint.provider(.npmLegacy))
            assign(&doc, "//npm\(index).mirror.example/:_authToken=", .placeholder, "${NPM_TOKEN_\(index)}")
            assign(&doc, "//npm\(index).local.example/:_authToken=", .placeholder, "00000000-0000-0000-0000-0000000000\(pad(index))")
        }
        add(doc)
    }

    private mutating func issue15SlackExport() {
        var doc = Doc("issue15/slack-export/general.json")
        doc.line("[")
        for index in 0..<CorpusWriter.issue15Rounds {
            doc.put("  {\"type\": \"message\", \"files\": [{\"url_private\": \"https://files.slack.com/files-pri/T01-F0\(index)/a.png?t=")
            doc.token(mint.provider(.slackExportFile))
            doc.line("\"}]},")
            doc.put("  {\"type\": \"session\", \"token\": \"")
            doc.token(mint.provider(.slackClient))
            doc.put("\", \"cookie\": \"d=")
            doc.token(mint.provider(.slackCookie))
            doc.line("\"},")
            // Slack's session token and cookie as placeholders (zeros, x-runs).
            doc.put("  {\"type\": \"example\", \"token\": \"")
            doc.fake(.placeholder, "xoxc-0000000000000-0000000000000-0000000000000-" + String(repeating: "0", count: 64))
            doc.put("\", \"cookie\": \"d=")
            doc.fake(.placeholder, "xoxd-" + String(repeating: "x", count: 70 + index % 5))
            doc.line("\"},")
            // UUIDs in JSON log fields are ids, not tokens.
            doc.put("  {\"type\": \"log\", \"request_id\": \"")
            doc.fake(.uuid, uuid("request-\(index)"))
            doc.put("\", \"trace_id\": \"")
            doc.fake(.uuid, uuid("trace-\(index)"))
            doc.put("\", \"span_id\": \"")
            doc.fake(.uuid, uuid("span-\(index)"))
            doc.line("\"},")
            // A PyPI token cut short: its macaroon ends before the signature.
            doc.put("  {\"type\": \"message\", \"text\": \"pasted: ")
            doc.fake(.truncatedProvider, String(TokenMinter.provider(.pypi, seed: "issue15-cut-\(index)").dropLast(20 + index)))
            doc.line("\"},")
        }
        doc.line("  {}\n]")
        add(doc)
    }

    /// Java properties escape `=` (and `:`): the Atlassian token's checksum covers the unescaped text.
    private mutating func issue15Properties() {
        var doc = Doc("issue15/jira.properties")
        doc.line("jira.url=https\\://acme.atlassian.net")
        for index in 0..<CorpusWriter.issue15Rounds {
            let secret = mint.provider(.atlassian)
            doc.put("jira.token.\(index)=")
            let start = doc.offset
            doc.put(secret.value.replacing("=", with: "\\="))
            doc.record(secret, from: start, [.jsonEscape])
            doc.line()
            // The same shape failing Atlassian's checksum.
            let broken = TokenMinter.corruptingChecksum(of: TokenMinter.provider(.atlassian, seed: "issue15-atl-bad-\(index)"), .atlassian)
            doc.put("jira.token.revoked.\(index)=")
            doc.fake(.badChecksum, broken.replacing("=", with: "\\="))
            doc.line()
        }
        add(doc)
    }

    /// Real-shaped refresh tokens that spell a marker word (`nNOnE` …), and placeholders made of
    /// whole marker words, under the same parameter name.
    private mutating func issue15MarkerWords() {
        var doc = Doc("issue15/oauth.log")
        let words = ["nNOnE", "none", "Here", "FAKE", "your", "null", "Token", "dummy"]
        for index in 0..<CorpusWriter.markerWordLines {
            let length = 40 + index * 23
            let random = TokenMinter.opaque(length: length, seed: "issue15-marker-\(index)", alphabet: TokenMinter.base64url)
            let cut = random.index(random.startIndex, offsetBy: (index * 37) % length)
            let value = "0.A" + random[..<cut] + words[index % words.count] + random[cut...]
            doc.put("2026-01-01T00:00:\(pad(index % 60))Z POST /oauth2/v2.0/token grant_type=refresh_token&refresh_token=")
            doc.token(Secret(value: value, kind: "bearer", rule: "oauth-token-parameter", label: "bearer:marker-word"))
            doc.line()
            let placeholders = ["your-refresh-token-here", "YOUR_REFRESH_TOKEN_\(index)", "none-\(index)", "fake.refresh.token.\(index)",
                                "null-token-\(index)", "dummy-refresh-\(index)", "<refresh-token-\(index)>"]
            doc.put("2026-01-01T00:01:\(pad(index % 60))Z docs example: refresh_token=")
            doc.fake(.placeholder, placeholders[index % placeholders.count])
            doc.line()
        }
        add(doc)
    }

    /// A JWT whose header is pretty-printed JSON (`{\n  "alg": …` → `ewog…`).
    private func prettyHeaderJWT(_ index: Int) -> Secret {
        func segment(_ json: String) -> String { Base64.urlEncode(Array(json.utf8)) }
        let header = segment("{\n  \"alg\": \"HS256\",\n  \"typ\": \"JWT\"\n}")
        let claims = segment("{\n  \"sub\": \"svc-\(index)\",\n  \"iss\": \"https://auth.acme.example\",\n  \"exp\": 2000000000\n}")
        let signature = Base64.urlEncode(TokenMinter.bytes(count: 32, seed: "issue15-pretty-\(index)"))
        return Secret(value: "\(header).\(claims).\(signature)", kind: "jwt", rule: "jwt", label: "jwt:pretty-header")
    }

    /// Base64 of pretty-printed JSON in three dotted parts: starts `ewog` like the JWT above, but
    /// its header is a configuration, not a JOSE header.
    private func prettyConfig(_ index: Int) -> String {
        func segment(_ json: String) -> String { Base64.urlEncode(Array(json.utf8)) }
        return segment("{\n  \"name\": \"app-\(index)\"\n}") + "." + segment("{\n  \"x\": \(index)\n}") + ".c2ln"
    }

    private func uuid(_ seed: String) -> String {
        let hex = TokenMinter.opaque(length: 32, seed: seed, alphabet: "0123456789abcdef")
        return "\(hex.prefix(8))-\(hex.dropFirst(8).prefix(4))-4\(hex.dropFirst(13).prefix(3))-a\(hex.dropFirst(17).prefix(3))-\(hex.suffix(12))"
    }
}
