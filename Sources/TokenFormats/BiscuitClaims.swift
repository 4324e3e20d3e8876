/// What a Biscuit claims about itself, read from its Datalog the way the risk model reads a JWT's
/// `exp`, `nbf` and scopes (design §5: "Biscuit `time` checks as expiry and rights facts as scope").
///
/// Why these readings are sound without evaluating Datalog: every check of every block must pass
/// for any request, so a check that bounds `time` bounds the token's life, and a check that fixes
/// `operation` fixes what any request may do; the authorizer trusts facts of the authority block
/// (and its own) by default, so the authority block's rights facts are what the token grants, and
/// later blocks can only narrow them (SPECIFICATIONS.md, "Scopes"). A bound the reader cannot see
/// for sure (inside `||`, negated, compared with a variable) is left out: the token is then judged
/// as stating none, never as stating one it does not.
extension Biscuit {
    /// The predicates whose facts in the authority block say what the token grants.
    public static let rightsPredicates: Set<String> = [
        "right", "rights", "operation", "role", "roles", "scope", "scopes", "permission", "permissions", "group", "groups",
    ]

    /// The earliest instant after which some check fails (`check if time($t), $t <= …`), in
    /// seconds since 1970; nil when no check bounds time.
    public var expiry: Double? {
        checkBounds.compactMap(\.before).min()
    }

    /// The latest instant before which some check fails (`$t >= …`): the token is not yet valid.
    public var notBefore: Double? {
        checkBounds.compactMap(\.after).max()
    }

    /// The operations every check allows (`check if operation("read")`,
    /// `check if operation($op), ["read", "list"].contains($op)`); nil when no check restricts them.
    public var allowedOperations: Set<String>? {
        var allowed: Set<String>?
        for operations in checkBounds.compactMap(\.operations) { allowed = allowed.map { $0.intersection(operations) } ?? operations }
        return allowed
    }

    /// What the token grants: the authority block's facts and rule heads of `rightsPredicates`,
    /// as `term:term` (`right("file1", "read")` is `file1:read`, `role("admin")` is `admin`); a
    /// right whose operation (its last term) no check allows is left out (all of them left out:
    /// it grants nothing the checks allow), and when the authority states no rights but checks fix
    /// the operations, those operations are what it can do.
    public var rights: [String] {
        guard let authority = blocks.first else { return [] }
        let allowed = allowedOperations
        var rights: [String] = []
        let granted = (authority.facts + authority.rules.map(\.head)).filter { Biscuit.rightsPredicates.contains($0.name) }
        for predicate in granted {
            if let allowed, ["right", "rights", "operation"].contains(predicate.name),
               case .string(let operation)? = predicate.terms.last, !allowed.contains(operation) {
                continue
            }
            let text = predicate.terms.map { term -> String in
                if case .string(let value) = term { return value }
                return Biscuit.text(term)
            }.joined(separator: ":")
            if !text.isEmpty, !rights.contains(text) { rights.append(text) }
        }
        if granted.isEmpty, let allowed { return allowed.sorted() }
        return rights
    }

    /// What each check of each block bounds.
    private var checkBounds: [Bounds] {
        blocks.flatMap(\.checks).map(Bounds.init(check:))
    }
}

/// What one check (or one of its queries) requires of every request.
struct Bounds {
    var before: Double?
    var after: Double?
    var operations: Set<String>?

    /// A check passes when one of its queries does: it bounds only what all of them bound, to
    /// the loosest of their bounds.
    init(check: Biscuit.Check) {
        let queries = check.queries.map(Bounds.init(query:))
        guard !queries.isEmpty else { return }
        before = queries.allSatisfy { $0.before != nil } ? queries.compactMap(\.before).max() : nil
        after = queries.allSatisfy { $0.after != nil } ? queries.compactMap(\.after).min() : nil
        operations = queries.allSatisfy { $0.operations != nil } ? queries.reduce(into: Set<String>()) { $0.formUnion($1.operations!) } : nil
    }

    /// A query holds when its body matches and all its expressions are true: `time($t)` binds
    /// `$t` to the request's time, `operation($op)` or `operation("read")` the operation.
    init(query: Biscuit.Rule) {
        var timeVariables: Set<String> = []
        var operationVariables: Set<String> = []
        for predicate in query.body where predicate.terms.count == 1 {
            switch (predicate.name, predicate.terms[0]) {
            case ("time", .variable(let name)): timeVariables.insert(name)
            case ("operation", .variable(let name)): operationVariables.insert(name)
            case ("operation", .string(let operation)): narrow(to: [operation])
            default: break
            }
        }
        for expression in query.expressions {
            for constraint in Constraint.read(expression) {
                switch constraint {
                case .before(let variable, let seconds) where timeVariables.contains(variable):
                    before = min(before ?? seconds, seconds)
                case .after(let variable, let seconds) where timeVariables.contains(variable):
                    after = max(after ?? seconds, seconds)
                case .oneOf(let variable, let values) where operationVariables.contains(variable):
                    narrow(to: values)
                default: break
                }
            }
        }
    }

    private mutating func narrow(to values: Set<String>) {
        operations = operations.map { $0.intersection(values) } ?? values
    }
}

/// A constraint an expression puts on one variable, when it certainly does (`&&` of comparisons
/// of a variable with a constant).
enum Constraint: Equatable {
    case before(String, Double)
    case after(String, Double)
    case oneOf(String, Set<String>)

    /// What a value on the evaluation stack is, as far as constraints go.
    private enum Facet {
        case variable(String)
        case date(Double)
        case strings(Set<String>)
        case constraints([Constraint])
        case other

        var constraints: [Constraint] {
            if case .constraints(let list) = self { return list }
            return []
        }
    }

    /// The constraints the expression certainly imposes (evaluated on a stack, no recursion).
    static func read(_ ops: [Biscuit.Op]) -> [Constraint] {
        var stack: [Facet] = []
        for op in ops {
            switch op {
            case .value(let term):
                switch term {
                case .variable(let name): stack.append(.variable(name))
                case .date(let seconds): stack.append(.date(Double(seconds)))
                case .string(let value): stack.append(.strings([value]))
                case .set(let members):
                    let strings = members.compactMap { member -> String? in
                        if case .string(let value) = member { return value }
                        return nil
                    }
                    stack.append(strings.count == members.count ? .strings(Set(strings)) : .other)
                default: stack.append(.other)
                }
            case .unary(.parens):
                guard !stack.isEmpty else { return [] }
            case .unary:
                guard !stack.isEmpty else { return [] }
                stack[stack.count - 1] = .other
            case .binary(let binary):
                guard let right = stack.popLast(), let left = stack.popLast() else { return [] }
                stack.append(combine(left, binary, right))
            case .unknown: return []
            }
        }
        guard stack.count == 1 else { return [] }
        return stack[0].constraints
    }

    private static func combine(_ left: Facet, _ op: Biscuit.BinaryOp, _ right: Facet) -> Facet {
        switch (left, op, right) {
        case (.variable(let name), .lessThan, .date(let date)), (.variable(let name), .lessOrEqual, .date(let date)),
             (.date(let date), .greaterThan, .variable(let name)), (.date(let date), .greaterOrEqual, .variable(let name)):
            return .constraints([.before(name, date)])
        case (.variable(let name), .greaterThan, .date(let date)), (.variable(let name), .greaterOrEqual, .date(let date)),
             (.date(let date), .lessThan, .variable(let name)), (.date(let date), .lessOrEqual, .variable(let name)):
            return .constraints([.after(name, date)])
        case (.variable(let name), .equal, .date(let date)), (.date(let date), .equal, .variable(let name)):
            return .constraints([.before(name, date), .after(name, date)])
        case (.variable(let name), .equal, .strings(let values)) where values.count == 1,
             (.strings(let values), .equal, .variable(let name)) where values.count == 1,
             (.strings(let values), .contains, .variable(let name)):
            return .constraints([.oneOf(name, values)])
        case (_, .and, _):
            return .constraints(left.constraints + right.constraints)
        case (_, .or, _):
            // Either side may hold: only what both bound, to the looser bound.
            var loose: [Constraint] = []
            for constraint in left.constraints {
                for other in right.constraints {
                    switch (constraint, other) {
                    case (.before(let a, let x), .before(let b, let y)) where a == b: loose.append(.before(a, max(x, y)))
                    case (.after(let a, let x), .after(let b, let y)) where a == b: loose.append(.after(a, min(x, y)))
                    case (.oneOf(let a, let x), .oneOf(let b, let y)) where a == b: loose.append(.oneOf(a, x.union(y)))
                    default: break
                    }
                }
            }
            return .constraints(loose)
        default:
            return .other
        }
    }
}
