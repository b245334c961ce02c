import Foundation
import Histogram
import Synchronization
import VigilNATS

/// Matches `policy_validation_completed` events to the decisions the generator sent and records
/// each latency once, from the decision's send time (its scheduled time in paced runs, so a stalled
/// generator or service shows up as latency instead of silently lowering the offered load).
final class CompletionTracker: Sendable {
    private struct State {
        var sendTimes: [UInt64] = []
        var seen: [Bool] = []
        /// Each sequence's latency in nanoseconds once answered (0 until then), for `--latencies`.
        var latencies: [UInt64] = []
        /// When each sequence's publish started and when JetStream acknowledged it, for `--latencies`.
        var publishTimes: [UInt64] = []
        var ackTimes: [UInt64] = []
        var histogram = Histogram<UInt64>(lowestDiscernibleValue: 1_000, highestTrackableValue: 120_000_000_000,
                                          numberOfSignificantValueDigits: .three)
        var received = 0
        var duplicates = 0
        var foreign = 0
        var firstReceive: UInt64 = 0
        var lastReceive: UInt64 = 0
    }

    private let state = Mutex(State())
    private let marker: [UInt8]
    /// Sequences below this are warmup: matched and counted, but not in the histogram.
    let recordFrom: Int

    /// Tracks inputs whose `field` (in the event's JSON) is `<runID>-<sequence>`: `decision_id`
    /// for decisions, `entity_id` for feature writes.
    init(runID: String, recordFrom: Int, field: String = "decision_id") {
        marker = Array("\"\(field)\":\"\(runID)-".utf8)
        self.recordFrom = recordFrom
    }

    /// Records when sequences `first..<first + times.count` were (or were scheduled to be) sent.
    func sent(from first: Int, times: [UInt64]) {
        state.withLock { state in
            if state.sendTimes.count < first + times.count {
                state.sendTimes.append(contentsOf: repeatElement(0, count: first + times.count - state.sendTimes.count))
                state.seen.append(contentsOf: repeatElement(false, count: first + times.count - state.seen.count))
                state.latencies.append(contentsOf: repeatElement(0, count: first + times.count - state.latencies.count))
                state.publishTimes.append(contentsOf: repeatElement(0, count: first + times.count - state.publishTimes.count))
                state.ackTimes.append(contentsOf: repeatElement(0, count: first + times.count - state.ackTimes.count))
            }
            for (offset, time) in times.enumerated() { state.sendTimes[first + offset] = time }
        }
    }

    /// Handles one completed event (called on the subscription's delivery thread).
    func receive(_ message: NATSMessage) {
        let now = Monotonic.nanos()
        let sequence = Self.sequence(in: message.payload, after: marker)
        state.withLock { state in
            guard let sequence, sequence < state.sendTimes.count, state.sendTimes[sequence] != 0 else {
                state.foreign += 1
                return
            }
            if state.seen[sequence] {
                state.duplicates += 1
                return
            }
            state.seen[sequence] = true
            state.received += 1
            if state.firstReceive == 0 { state.firstReceive = now }
            state.lastReceive = now
            let latency = max(now > state.sendTimes[sequence] ? now - state.sendTimes[sequence] : 0, 1_000)
            state.latencies[sequence] = latency
            if sequence >= recordFrom { _ = state.histogram.record(latency) }
        }
    }

    /// Whether sequence `sequence` has been answered.
    func answered(_ sequence: Int) -> Bool {
        state.withLock { sequence < $0.seen.count && $0.seen[sequence] }
    }

    /// When `sequence` was (scheduled to be) sent, if it was.
    func sendTime(_ sequence: Int) -> UInt64? {
        state.withLock { sequence < $0.sendTimes.count && $0.sendTimes[sequence] != 0 ? $0.sendTimes[sequence] : nil }
    }

    /// Records when the publish of `range` started and when JetStream acknowledged it.
    func published(_ range: Range<Int>, started: UInt64, acknowledged: UInt64) {
        state.withLock { state in
            for sequence in range where sequence < state.publishTimes.count {
                state.publishTimes[sequence] = started
                state.ackTimes[sequence] = acknowledged
            }
        }
    }

    /// One CSV line per answered sequence: its send time in ms after the first one's, its latency,
    /// how late its publish started and when JetStream acknowledged it (both from the send time),
    /// in ms, to see when in a run the slow ones happened and where their time went.
    func latencyCSV() -> String {
        state.withLock { state in
            let origin = state.sendTimes.first { $0 != 0 } ?? 0
            var lines = ["sequence,sent_ms,latency_ms,publish_lag_ms,ack_ms"]
            func ms(_ nanos: UInt64) -> String { String(format: "%.3f", Double(nanos) / 1e6) }
            for (sequence, latency) in state.latencies.enumerated() where latency != 0 {
                let send = state.sendTimes[sequence]
                let lag = state.publishTimes[sequence] > send ? state.publishTimes[sequence] - send : 0
                let ack = state.ackTimes[sequence] > send ? state.ackTimes[sequence] - send : 0
                lines.append("\(sequence),\(ms(send &- origin)),\(ms(latency)),\(ms(lag)),\(ms(ack))")
            }
            return lines.joined(separator: "\n") + "\n"
        }
    }

    /// Distinct decisions answered so far.
    var received: Int { state.withLock { $0.received } }

    /// Distinct decisions answered so far among sequences `first` and later (excludes the probe).
    func receivedSince(_ first: Int) -> Int {
        state.withLock { state in state.received - (0..<min(first, state.seen.count)).filter { state.seen[$0] }.count }
    }

    /// A copy of everything measured.
    func snapshot() -> (histogram: Histogram<UInt64>, received: Int, duplicates: Int, foreign: Int, first: UInt64, last: UInt64) {
        state.withLock { ($0.histogram, $0.received, $0.duplicates, $0.foreign, $0.firstReceive, $0.lastReceive) }
    }

    /// The number after `marker` in `bytes`, if present. A byte scan, because decoding every
    /// event's JSON would cost the generator more CPU than the service spends producing it.
    static func sequence(in bytes: [UInt8], after marker: [UInt8]) -> Int? {
        guard bytes.count > marker.count, let first = marker.first else { return nil }
        var index = 0
        let last = bytes.count - marker.count
        while index <= last {
            if bytes[index] == first {
                var offset = 1
                while offset < marker.count, bytes[index + offset] == marker[offset] { offset += 1 }
                if offset == marker.count {
                    var cursor = index + offset
                    var value = 0
                    var digits = 0
                    while cursor < bytes.count, bytes[cursor] >= 48, bytes[cursor] <= 57, digits < 18 {
                        value = value * 10 + Int(bytes[cursor] - 48)
                        cursor += 1
                        digits += 1
                    }
                    return digits > 0 && cursor < bytes.count && bytes[cursor] == 34 ? value : nil
                }
            }
            index += 1
        }
        return nil
    }
}
