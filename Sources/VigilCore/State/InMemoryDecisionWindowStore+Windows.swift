extension InMemoryDecisionWindowStore {
    /// One recorded order.
    struct Entry {
        var member: String
        var milliseconds: Int64
        var notional: Double
    }

    /// The turnover of the orders younger than `cutoff`, kept up to date as orders leave the window.
    struct RunningSum {
        var sum = 0.0
        var cutoff: Int64
        var count = 0

        init(cutoff: Int64) { self.cutoff = cutoff }

        mutating func add(_ notional: Double) {
            sum += notional
            count += 1
        }

        mutating func remove(_ notional: Double) {
            sum -= notional
            count -= 1
        }
    }

    /// One portfolio's windows, laid out as the Redis keys are.
    struct Windows {
        /// Recorded orders in (time, member bytes) order — the order Redis's ZRANGEBYSCORE returns.
        var entries: [Entry] = []
        var members: Set<String> = []
        /// Latest time of each `B:<symbol>` / `S:<symbol>`.
        var sides: [String: Int64] = [:]
        /// Running turnover per window length (ms).
        var sums: [Int64: RunningSum] = [:]
        /// Longest window seen; members older than it are trimmed.
        var horizon: Int64 = 0
        /// When the idle portfolio's windows vanish, like PEXPIREd keys.
        var expiresAt = Int64.max

        /// Moves a running sum's cutoff, removing (or, when time went back, restoring) the orders between.
        mutating func advance(_ window: Int64, to cutoff: Int64) {
            guard var running = sums[window] else { return }
            if cutoff > running.cutoff {
                for entry in entries where entry.milliseconds > running.cutoff && entry.milliseconds <= cutoff { running.remove(entry.notional) }
            } else if cutoff < running.cutoff {
                for entry in entries where entry.milliseconds > cutoff && entry.milliseconds <= running.cutoff { running.add(entry.notional) }
            }
            running.cutoff = cutoff
            if running.count <= 0 { running = RunningSum(cutoff: cutoff) }
            sums[window] = running
        }

        /// Drops everything at or before `cutoff`.
        mutating func trim(upTo cutoff: Int64) {
            let expired = entries.prefix { $0.milliseconds <= cutoff }
            members.subtract(expired.map(\.member))
            entries.removeFirst(expired.count)
            sides = sides.filter { $0.value > cutoff }
        }

        mutating func record(_ entry: Entry, side: String) {
            members.insert(entry.member)
            let precedes = { (a: Entry, b: Entry) in
                a.milliseconds != b.milliseconds ? a.milliseconds < b.milliseconds
                    : Array(a.member.utf8).lexicographicallyPrecedes(b.member.utf8)
            }
            // Appends in the usual in-order case; a late clock inserts in place, as a sorted set would.
            if let last = entries.last, precedes(entry, last) {
                entries.insert(entry, at: entries.firstIndex { precedes(entry, $0) } ?? entries.endIndex)
            } else {
                entries.append(entry)
            }
            sides[side] = max(sides[side] ?? entry.milliseconds, entry.milliseconds)
            for (window, var running) in sums where entry.milliseconds > running.cutoff {
                running.add(entry.notional)
                sums[window] = running
            }
        }
    }
}
