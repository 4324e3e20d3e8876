import TokenFormats
import TokenScanModel

/// Finds every occurrence of a set of ASCII keywords, case-insensitively, in one pass: an
/// Aho–Corasick automaton compiled to a full DFA (one table lookup per byte, no backtracking).
///
/// Why not a PCRE2 alternation: with dozens of keywords whose first letters are common (`e`,
/// `a`, `s` …) PCRE2's start-byte optimisation no longer skips anything and the alternation is
/// tried at almost every byte; the DFA's cost does not grow with the number of keywords.
package struct KeywordAutomaton: Sendable {
    /// `transitions[state << 8 | byte]`: the next state. States that end a keyword are numbered
    /// from `outputBit` on, the others below it, so that a step is one load, shift and or: the
    /// next state is the table's entry as it stands (no flag masked off on the chain of dependent
    /// loads each lane is), and whether it ends a keyword is tested beside that chain.
    private let transitions: [UInt16]
    /// A power of two: set in every state that ends a keyword and in no other (the rows from the
    /// last state without an output up to it are never reached, and zero).
    private let outputBit: Int
    /// Keywords (indices into `keywords`) that end in each state, suffix matches included: those
    /// of state `s` are `outputKeywords[outputOffsets[s]..<outputOffsets[s + 1]]`. Flat, not an
    /// array per state: reading a state's own array on every hit retained and released it.
    private let outputOffsets: [Int]
    private let outputKeywords: [Int]
    /// Each keyword's length, read on every hit.
    private let keywordLengths: [Int]
    package let keywords: [[UInt8]]
    /// The longest keyword's length: how far a lane reads back before its cut.
    private let keywordLengthMax: Int

    package init?(keywords: [[UInt8]]) {
        let keywords = keywords.map { $0.map(KeywordAutomaton.lower) }
        guard !keywords.isEmpty, keywords.allSatisfy({ !$0.isEmpty }) else { return nil }
        // This runs at every start-up (about 930 states for the built-in rules). The trie is kept
        // as each state's few children, not as 256-wide rows (a table grown state by state, later
        // one allocated for the most states the keywords can make, was most of the cost: 1.6 ms of
        // a one-file scan's 12 ms CPU, `perf record`); the DFA's rows are written once, in their
        // final numbering, each a copy of its failure state's row with its own children over it.
        var childBytes: [[UInt8]] = [[]]
        var childStates: [[Int]] = [[]]
        var ends: [[Int]] = [[]]
        func child(_ state: Int, _ byte: UInt8) -> Int? {
            guard let slot = childBytes[state].firstIndex(of: byte) else { return nil }
            return childStates[state][slot]
        }
        for (index, keyword) in keywords.enumerated() {
            var state = 0
            for byte in keyword {
                if let next = child(state, byte) {
                    state = next
                } else {
                    let next = ends.count
                    childBytes[state].append(byte)
                    childStates[state].append(next)
                    childBytes.append([])
                    childStates.append([])
                    ends.append([])
                    state = next
                }
            }
            ends[state].append(index)
        }
        let stateCount = ends.count
        // Breadth first, so that a state's failure state (shallower) is complete before it: the
        // failure links (the longest proper suffix that is a trie state) and the outputs (a
        // state's own plus its failure state's).
        var failure = [Int](repeating: 0, count: stateCount)
        var order = [0]
        order.reserveCapacity(stateCount)
        var head = 0
        while head < order.count {
            let state = order[head]
            head += 1
            for (slot, byte) in childBytes[state].enumerated() {
                let next = childStates[state][slot]
                if state != 0 {
                    var fallback = failure[state]
                    while true {
                        if let target = child(fallback, byte) {
                            failure[next] = target
                            break
                        }
                        if fallback == 0 { break }
                        fallback = failure[fallback]
                    }
                }
                ends[next] += ends[failure[next]]
                order.append(next)
            }
        }
        // The states without an output are numbered first (the root stays 0), those with one
        // from `outputBit` on.
        let quiet = ends.filter(\.isEmpty).count
        let loud = stateCount - quiet
        var bit = 1
        while bit < max(quiet, loud) { bit <<= 1 }
        guard bit + loud < 0x8000 else { return nil }
        var number = [Int](repeating: 0, count: stateCount)
        var nextQuiet = 0
        var nextLoud = bit
        for state in 0..<stateCount {
            if ends[state].isEmpty {
                number[state] = nextQuiet
                nextQuiet += 1
            } else {
                number[state] = nextLoud
                nextLoud += 1
            }
        }
        let rows = bit + loud
        let table = [UInt16](unsafeUninitializedCapacity: rows << 8) { buffer, initialized in
            let base = buffer.baseAddress!
            // Rows from `quiet` up to `bit` are never reached; zeroed all the same.
            (base + (quiet << 8)).initialize(repeating: 0, count: (bit - quiet) << 8)
            for state in order {
                let row = base + (number[state] << 8)
                if state == 0 {
                    row.initialize(repeating: 0, count: 256)
                } else {
                    row.initialize(from: base + (number[failure[state]] << 8), count: 256)
                }
                for (slot, byte) in childBytes[state].enumerated() {
                    let target = UInt16(number[childStates[state][slot]])
                    row[Int(byte)] = target
                    // Case-insensitive: an uppercase letter goes where its lowercase one does.
                    if byte >= 0x61 && byte <= 0x7A { row[Int(byte) - 0x20] = target }
                }
            }
            initialized = rows << 8
        }
        transitions = table
        outputBit = bit
        var stateEnds = [[Int]](repeating: [], count: rows)
        for state in 0..<stateCount { stateEnds[number[state]] = ends[state] }
        var offsets = [0]
        offsets.reserveCapacity(rows + 1)
        for state in stateEnds { offsets.append(offsets[offsets.count - 1] + state.count) }
        outputOffsets = offsets
        outputKeywords = stateEnds.flatMap { $0 }
        keywordLengths = keywords.map(\.count)
        self.keywords = keywords
        keywordLengthMax = keywords.map(\.count).max() ?? 1
    }

    /// Calls `onHit(keyword, start)` for every occurrence starting at or after `start`, in order of
    /// the occurrences' ends.
    ///
    /// Why four lanes: one DFA step is a load whose address depends on the previous step, so a
    /// single walk is bound by load latency (about 5 cycles a byte), not by throughput. The input is
    /// cut into four stretches walked in lock-step — four independent chains the CPU overlaps. Each
    /// lane after the first starts (longest keyword − 1) bytes early without reporting, so a keyword that
    /// straddles a cut is seen whole by the lane it ends in, and by that lane only.
    /// Measured with `scripts/bench`'s corpus (200 MB, two workers): 0.57 s → 0.38 s for the directory scan.
    package func scan(_ buffer: UnsafeRawBufferPointer, from start: Int, onHit: (Int, Int) -> Void) {
        guard start < buffer.count, let base = buffer.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return }
        let end = buffer.count
        transitions.withUnsafeBufferPointer { tableBuffer in
            let table = tableBuffer.baseAddress!
            let count = end - start
            guard count >= KeywordAutomaton.laneMinimum else {
                var state = 0
                walk(table, base, from: start, to: end, state: &state) { index, state in report(state, endingAt: index, onHit) }
                return
            }
            let laneLength = count / 4
            let starts = (0..<4).map { start + $0 * laneLength }
            // Warm-up: lanes 1…3 read the bytes before their cut without reporting.
            var states = [0, 0, 0, 0]
            for lane in 1..<4 {
                var state = 0
                walk(table, base, from: max(start, starts[lane] - (keywordLengthMax - 1)), to: starts[lane], state: &state) { _, _ in }
                states[lane] = state
            }
            // Hits of lanes 1…3 wait (end index and state, packed) until lane 0 has reported its own.
            // Three arrays, not an array of them: appending through the outer one checked both.
            var pending1: [Int] = []
            var pending2: [Int] = []
            var pending3: [Int] = []
            var lanes = Lanes(states: (states[0], states[1], states[2], states[3]),
                              bytes: (base + starts[0], base + starts[1], base + starts[2], base + starts[3]))
            let bit = outputBit
            var offset = 0
            while offset < laneLength {
                let flagged = lanes.advance(table, outputBit: bit, from: offset, to: laneLength)
                guard flagged < laneLength else { break }
                let (s0, s1, s2, s3) = lanes.states
                if s0 & bit != 0 { report(s0, endingAt: starts[0] + flagged, onHit) }
                if s1 & bit != 0 { pending1.append((starts[1] + flagged) << 16 | s1) }
                if s2 & bit != 0 { pending2.append((starts[2] + flagged) << 16 | s2) }
                if s3 & bit != 0 { pending3.append((starts[3] + flagged) << 16 | s3) }
                offset = flagged + 1
            }
            var s3 = lanes.states.3
            // Lane 3 also takes the remainder of the division.
            walk(table, base, from: starts[3] + laneLength, to: end, state: &s3) { index, state in
                pending3.append(index << 16 | state)
            }
            for pending in [pending1, pending2, pending3] {
                for packed in pending { report(packed & 0xFFFF, endingAt: packed >> 16, onHit) }
            }
        }
    }

    /// Four DFA walks in lock-step. Kept apart from the hit handling so that the loop's state
    /// stays in registers.
    private struct Lanes {
        var states: (Int, Int, Int, Int)
        let bytes: (UnsafePointer<UInt8>, UnsafePointer<UInt8>, UnsafePointer<UInt8>, UnsafePointer<UInt8>)

        /// Steps all lanes from `offset` until one ends a keyword (its offset; `states` then says
        /// which) or until `limit` (returned as the offset).
        @inline(__always)
        mutating func advance(_ table: UnsafePointer<UInt16>, outputBit: Int, from offset: Int, to limit: Int) -> Int {
            var (s0, s1, s2, s3) = states
            let (p0, p1, p2, p3) = bytes
            var index = offset
            defer { states = (s0, s1, s2, s3) }
            while index < limit {
                s0 = Int(table[s0 &<< 8 | Int(p0[index])])
                s1 = Int(table[s1 &<< 8 | Int(p1[index])])
                s2 = Int(table[s2 &<< 8 | Int(p2[index])])
                s3 = Int(table[s3 &<< 8 | Int(p3[index])])
                if (s0 | s1 | s2 | s3) & outputBit != 0 { return index }
                index &+= 1
            }
            return limit
        }
    }

    /// Inputs shorter than this are walked in one lane: the warm-ups would cost more than they save.
    package static let laneMinimum = 1024

    /// One lane from `from` to `to`, continuing from `state`; `hit(index, state)` where a keyword ends.
    @inline(__always)
    private func walk(_ table: UnsafePointer<UInt16>, _ base: UnsafePointer<UInt8>, from: Int, to: Int,
                      state: inout Int, hit: (Int, Int) -> Void) {
        var current = state
        var index = from
        let bit = outputBit
        while index < to {
            current = Int(table[current &<< 8 | Int(base[index])])
            if current & bit != 0 { hit(index, current) }
            index += 1
        }
        state = current
    }

    @inline(__always)
    private func report(_ state: Int, endingAt index: Int, _ onHit: (Int, Int) -> Void) {
        for slot in outputOffsets[state]..<outputOffsets[state + 1] {
            let keyword = outputKeywords[slot]
            onHit(keyword, index + 1 - keywordLengths[keyword])
        }
    }

    @inline(__always) package static func lower(_ byte: UInt8) -> UInt8 {
        byte &- 0x41 < 26 ? byte | 0x20 : byte
    }
}
