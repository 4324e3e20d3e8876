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
    /// Why lanes: one DFA step is a load whose address depends on the previous step, so a single
    /// walk is bound by load latency (about 7 cycles a byte: shift, or, load), not by throughput.
    /// The input is cut into `laneCount` stretches walked in lock-step — independent chains the
    /// CPU overlaps. Each lane after the first starts (longest keyword − 1) bytes early without
    /// reporting, so a keyword that straddles a cut is seen whole by the lane it ends in, and by
    /// that lane only. Measured with `scripts/bench`'s corpus (200 MB, two workers): one lane →
    /// four, 0.57 s → 0.38 s for the directory scan. Four → eight, with a harness around this type
    /// (its first 100 MB in pieces, best of 7): 56 → 42 ms in 1 MB pieces, 61 → 50 ms in 16 KB
    /// ones (most of a tree's bytes are in files of that size or larger), the same below 4 KB.
    package func scan(_ buffer: UnsafeRawBufferPointer, from start: Int, onHit: (Int, Int) -> Void) {
        var held = HeldHits()
        scan(buffer, from: start, held: &held, onHit: onHit)
    }

    /// The lanes' hits held back while the first lane reports its own: kept by a caller that scans
    /// many buffers (a worker's matcher scratch) so that the lists are allocated once, not seven
    /// times on every call and again as they grow (a source tree's files are scanned one call each:
    /// 5,000 calls, each growing seven lists through five capacities).
    package struct HeldHits {
        /// One list per lane (the first lane's unused), made on first use: an empty `HeldHits`
        /// allocates nothing, so a caller can swap one in and out of its scratch for free.
        var lists: [[Int]] = []
        package init() {}
    }

    /// `scan` with the held-back hits' lists supplied by the caller (emptied here, capacity kept).
    package func scan(_ buffer: UnsafeRawBufferPointer, from start: Int, held: inout HeldHits, onHit: (Int, Int) -> Void) {
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
            let laneLength = count / Self.laneCount
            var lanes = Lanes(base: base + start, length: laneLength)
            // Warm-up: the lanes after the first read the bytes before their cut without reporting.
            for lane in 1..<Self.laneCount {
                let cut = start + lane * laneLength
                var state = 0
                walk(table, base, from: max(start, cut - (keywordLengthMax - 1)), to: cut, state: &state) { _, _ in }
                lanes[lane] = state
            }
            // The other lanes' hits wait (end index and state, packed) until the first lane has
            // reported its own. Appended through the buffer, not the array of arrays (each append
            // then checked both), lane by lane in lines of their own: a loop over the lanes
            // reading the tuple made the keyword pass 15 % slower (the harness above).
            if held.lists.count != Self.laneCount { held.lists = Array(repeating: [], count: Self.laneCount) }
            for lane in 1..<Self.laneCount { held.lists[lane].removeAll(keepingCapacity: true) }
            let bit = outputBit
            var offset = 0
            held.lists.withUnsafeMutableBufferPointer { pending in
                while offset < laneLength {
                    let flagged = lanes.advance(table, outputBit: bit, from: offset, to: laneLength)
                    guard flagged < laneLength else { break }
                    let (s0, s1, s2, s3, s4, s5, s6, s7) = lanes.states
                    let at = start + flagged
                    if s0 & bit != 0 { report(s0, endingAt: at, onHit) }
                    if s1 & bit != 0 { pending[1].append((at + laneLength) << 16 | s1) }
                    if s2 & bit != 0 { pending[2].append((at + 2 * laneLength) << 16 | s2) }
                    if s3 & bit != 0 { pending[3].append((at + 3 * laneLength) << 16 | s3) }
                    if s4 & bit != 0 { pending[4].append((at + 4 * laneLength) << 16 | s4) }
                    if s5 & bit != 0 { pending[5].append((at + 5 * laneLength) << 16 | s5) }
                    if s6 & bit != 0 { pending[6].append((at + 6 * laneLength) << 16 | s6) }
                    if s7 & bit != 0 { pending[7].append((at + 7 * laneLength) << 16 | s7) }
                    offset = flagged + 1
                }
            }
            // The last lane also takes the remainder of the division.
            let last = Self.laneCount - 1
            var state = lanes[last]
            walk(table, base, from: start + Self.laneCount * laneLength, to: end, state: &state) { index, state in
                held.lists[last].append(index << 16 | state)
            }
            for lane in 1..<Self.laneCount {
                for packed in held.lists[lane] { report(packed & 0xFFFF, endingAt: packed >> 16, onHit) }
            }
        }
    }

    /// How many stretches `scan` walks in lock-step (`Lanes` spells out that many).
    package static let laneCount = 8

    /// `laneCount` DFA walks in lock-step over consecutive stretches of `length` bytes. Kept
    /// apart from the hit handling so that the loop's state stays in registers.
    private struct Lanes {
        var states: (Int, Int, Int, Int, Int, Int, Int, Int) = (0, 0, 0, 0, 0, 0, 0, 0)
        /// The first lane's first byte; lane `k`'s is `length * k` after it.
        let base: UnsafePointer<UInt8>
        let length: Int

        init(base: UnsafePointer<UInt8>, length: Int) {
            self.base = base
            self.length = length
        }

        /// Lane `lane`'s state, for the warm-up and the last lane's remainder (not in the loop).
        subscript(lane: Int) -> Int {
            get { withUnsafeBytes(of: states) { $0.load(fromByteOffset: lane * MemoryLayout<Int>.stride, as: Int.self) } }
            set { withUnsafeMutableBytes(of: &states) { $0.storeBytes(of: newValue, toByteOffset: lane * MemoryLayout<Int>.stride, as: Int.self) } }
        }

        /// Steps all lanes from `offset` until one ends a keyword (its offset; `states` then says
        /// which) or until `limit` (returned as the offset).
        ///
        /// Not inlined: inside the matcher's hit collection (a large function with many live
        /// values) the eight states and pointers were spilled to the stack on every step, and
        /// the keyword pass over a stream was no faster with eight lanes than with four (`perf
        /// annotate`). On its own the loop keeps them in registers; the call per hit costs less.
        @inline(never)
        mutating func advance(_ table: UnsafePointer<UInt16>, outputBit: Int, from offset: Int, to limit: Int) -> Int {
            var (s0, s1, s2, s3, s4, s5, s6, s7) = states
            let length = length
            // Lanes 0…3 read from `near`, 4…7 from `far`: two pointers and one stride.
            var near = base + offset
            let stop = base + limit
            defer { states = (s0, s1, s2, s3, s4, s5, s6, s7) }
            while near < stop {
                let far = near + 4 * length
                s0 = Int(table[s0 &<< 8 | Int(near[0])])
                s1 = Int(table[s1 &<< 8 | Int(near[length])])
                s2 = Int(table[s2 &<< 8 | Int(near[2 * length])])
                s3 = Int(table[s3 &<< 8 | Int(near[3 * length])])
                s4 = Int(table[s4 &<< 8 | Int(far[0])])
                s5 = Int(table[s5 &<< 8 | Int(far[length])])
                s6 = Int(table[s6 &<< 8 | Int(far[2 * length])])
                s7 = Int(table[s7 &<< 8 | Int(far[3 * length])])
                if (s0 | s1 | s2 | s3 | s4 | s5 | s6 | s7) & outputBit != 0 { return base.distance(to: near) }
                near += 1
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
