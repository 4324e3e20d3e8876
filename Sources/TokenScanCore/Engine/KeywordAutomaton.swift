/// Finds every occurrence of a set of ASCII keywords, case-insensitively, in one pass: an
/// Aho–Corasick automaton compiled to a full DFA (one table lookup per byte, no backtracking).
///
/// Why not a PCRE2 alternation: with dozens of keywords whose first letters are common (`e`,
/// `a`, `s` …) PCRE2's start-byte optimisation no longer skips anything and the alternation is
/// tried at almost every byte; the DFA's cost does not grow with the number of keywords.
struct KeywordAutomaton: Sendable {
    /// `transitions[state << 8 | byte]`: the next state; bit 15 set when that state ends a keyword.
    private let transitions: [UInt16]
    /// Keywords (indices into `keywords`) that end in each state, suffix matches included.
    private let outputs: [[Int]]
    let keywords: [[UInt8]]

    static let outputFlag: UInt16 = 0x8000

    init?(keywords: [[UInt8]]) {
        let keywords = keywords.map { $0.map(KeywordAutomaton.lower) }
        guard !keywords.isEmpty, keywords.allSatisfy({ !$0.isEmpty }) else { return nil }
        // Trie.
        var children: [[UInt8: Int]] = [[:]]
        var ends: [[Int]] = [[]]
        for (index, keyword) in keywords.enumerated() {
            var state = 0
            for byte in keyword {
                if let next = children[state][byte] {
                    state = next
                } else {
                    children.append([:])
                    ends.append([])
                    children[state][byte] = children.count - 1
                    state = children.count - 1
                }
            }
            ends[state].append(index)
        }
        guard children.count < Int(KeywordAutomaton.outputFlag) else { return nil }
        // Failure links, breadth first; outputs inherit their failure state's.
        var failure = [Int](repeating: 0, count: children.count)
        var queue = Array(children[0].values)
        var head = 0
        while head < queue.count {
            let state = queue[head]
            head += 1
            for (byte, child) in children[state] {
                var fallback = failure[state]
                while fallback != 0 && children[fallback][byte] == nil { fallback = failure[fallback] }
                let target = children[fallback][byte] ?? 0
                failure[child] = target == child ? 0 : target
                ends[child] += ends[failure[child]]
                queue.append(child)
            }
        }
        // Full DFA over all 256 bytes, upper- and lowercase letters alike.
        var table = [UInt16](repeating: 0, count: children.count << 8)
        let order = [0] + queue // parents before children: a state's failure is computed first
        for state in order {
            for value in 0..<256 {
                let byte = KeywordAutomaton.lower(UInt8(value))
                let next: Int
                if let child = children[state][byte] {
                    next = child
                } else if state == 0 {
                    next = 0
                } else {
                    next = Int(table[failure[state] << 8 | value] & ~KeywordAutomaton.outputFlag)
                }
                table[state << 8 | value] = UInt16(next) | (ends[next].isEmpty ? 0 : KeywordAutomaton.outputFlag)
            }
        }
        transitions = table
        outputs = ends
        self.keywords = keywords
    }

    /// Calls `onHit(keyword, start)` for every occurrence starting at or after `start`.
    func scan(_ buffer: UnsafeRawBufferPointer, from start: Int, onHit: (Int, Int) -> Void) {
        guard start < buffer.count, let base = buffer.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return }
        transitions.withUnsafeBufferPointer { table in
            var state = 0
            var index = start
            let end = buffer.count
            while index < end {
                let entry = table[state << 8 | Int(base[index])]
                state = Int(entry & ~KeywordAutomaton.outputFlag)
                if entry & KeywordAutomaton.outputFlag != 0 {
                    for keyword in outputs[state] { onHit(keyword, index + 1 - keywords[keyword].count) }
                }
                index += 1
            }
        }
    }

    @inline(__always) static func lower(_ byte: UInt8) -> UInt8 {
        byte &- 0x41 < 26 ? byte | 0x20 : byte
    }
}
