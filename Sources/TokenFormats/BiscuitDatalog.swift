/// Biscuit Datalog as text, the way the reference implementation prints it (biscuit-rust's
/// `Display`, which the specification's samples/current/samples.json lists for every sample):
/// `right("file1", "read")`, `check if time($time), $time <= 2018-12-20T00:00:00Z`.
///
/// Why text: it is what a person who holds the token reads in Biscuit's own tools, and what
/// `tokenscan decode` shows. Expressions are printed from their stack form without recursion
/// (parentheses are operations of their own, so no precedence is inferred).
extension Biscuit {
    /// The block's statements, each without its `;`: block-wide `trusting`, facts, rules, checks.
    public func datalog(block index: Int) -> [String] {
        let block = blocks[index]
        var lines: [String] = []
        if !block.scopes.isEmpty { lines.append("trusting " + Biscuit.text(block.scopes)) }
        lines += block.facts.map(Biscuit.text)
        lines += block.rules.map { Biscuit.text($0) }
        lines += block.checks.map(Biscuit.text)
        if let reason = block.unreadable { lines.append("// Datalog not read: \(reason)") }
        return lines
    }

    public static func text(_ term: Term) -> String {
        switch term {
        case .variable(let name): "$" + name
        case .integer(let value): String(value)
        case .string(let value): "\"" + value + "\""
        case .date(let seconds): rfc3339(seconds)
        case .bytes(let value): "hex:" + hex(value)
        case .bool(let value): value ? "true" : "false"
        // Members are terms but never sets (`BlockReader` refuses nested sets): one level deep.
        case .set(let members): "[" + members.map(text).joined(separator: ", ") + "]"
        case .unknown(let field): "<term \(field)>"
        }
    }

    public static func text(_ predicate: Predicate) -> String {
        predicate.name + "(" + predicate.terms.map(text).joined(separator: ", ") + ")"
    }

    /// `head <- body, expressions trusting …`; a check's query leaves the head out.
    public static func text(_ rule: Rule, asQuery: Bool = false) -> String {
        let body = (rule.body.map(text) + rule.expressions.map(text)).joined(separator: ", ")
        var out = asQuery ? body : text(rule.head) + " <- " + body
        if !rule.scopes.isEmpty { out += " trusting " + text(rule.scopes) }
        return out
    }

    public static func text(_ check: Check) -> String {
        (check.all ? "check all " : "check if ") + check.queries.map { text($0, asQuery: true) }.joined(separator: " or ")
    }

    static func text(_ scopes: [Scope]) -> String {
        scopes.map { scope in
            switch scope {
            case .authority: "authority"
            case .previous: "previous"
            case .publicKey(let key): key
            }
        }.joined(separator: ", ")
    }

    /// An expression's stack operations as infix text; one that does not leave exactly one value
    /// on the stack (written by something other than a Biscuit library) says so.
    public static func text(_ ops: [Op]) -> String {
        var stack: [String] = []
        for op in ops {
            switch op {
            case .value(let term): stack.append(text(term))
            case .unary(let unary):
                guard let operand = stack.popLast() else { return "<expression that does not evaluate>" }
                switch unary {
                case .negate: stack.append("!" + operand)
                case .parens: stack.append("(" + operand + ")")
                case .length: stack.append(operand + ".length()")
                }
            case .binary(let binary):
                guard let right = stack.popLast(), let left = stack.popLast() else { return "<expression that does not evaluate>" }
                switch binary.method {
                case let method?: stack.append("\(left).\(method)(\(right))")
                case nil: stack.append("\(left) \(binary.symbol) \(right)")
                }
            case .unknown: return "<expression this reader does not know>"
            }
        }
        guard stack.count == 1 else { return "<expression that does not evaluate>" }
        return stack[0]
    }

    /// `YYYY-MM-DDTHH:MM:SSZ`, as biscuit-rust prints dates (chrono's RFC 3339, whole seconds).
    public static func rfc3339(_ seconds: UInt64) -> String {
        let days = Int(seconds / 86_400)
        let rest = Int(seconds % 86_400)
        // Howard Hinnant's civil_from_days, the inverse of `ClaimTime.daysFromCivil`.
        let z = days + 719_468
        let era = z / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : String(value) }
        let yearText = String(year)
        return String(repeating: "0", count: max(0, 4 - yearText.count)) + yearText + "-\(two(month))-\(two(day))T"
            + "\(two(rest / 3600)):\(two(rest / 60 % 60)):\(two(rest % 60))Z"
    }
}

extension Biscuit.BinaryOp {
    /// The method name of an operator written as a method call (`$0.matches("…")`).
    var method: String? {
        switch self {
        case .contains: "contains"
        case .prefix: "starts_with"
        case .suffix: "ends_with"
        case .regex: "matches"
        case .intersection: "intersection"
        case .union: "union"
        default: nil
        }
    }

    var symbol: String {
        switch self {
        case .lessThan: "<"
        case .greaterThan: ">"
        case .lessOrEqual: "<="
        case .greaterOrEqual: ">="
        case .equal: "=="
        case .add: "+"
        case .sub: "-"
        case .mul: "*"
        case .div: "/"
        case .and: "&&"
        case .or: "||"
        case .bitwiseAnd: "&"
        case .bitwiseOr: "|"
        case .bitwiseXor: "^"
        case .notEqual: "!="
        case .contains, .prefix, .suffix, .regex, .intersection, .union: "?"
        }
    }
}
