import Foundation
import VigilNATS

/// Builds and publishes FeatureWrite messages on `features.writes.<feature>` through JetStream.
///
/// Write *i* has entity `<runID>-<i>` (so its violation event can be matched by a byte scan) and is
/// violating when `i` falls on the `violatingPercent` share: its `event_timestamp` lies after its
/// `as_of_timestamp` (FUTURE_LEAKAGE, CRITICAL) and it names the run's own service, so the trip it
/// causes is on a breaker scope no one else uses. Compliant writes are on time and name a shared
/// service; without contracts they raise nothing but one CONFIG_WARNING (LOW) per feature per hour.
struct PitGenerator {
    let jetStream: JetStream
    let tracker: CompletionTracker
    let runID: String
    let features: Int
    let violatingPercent: Double
    let violatingService: String
    let maxBatch: Int
    /// RFC 3339 knowledge time of every write: before the run, so it is never "from the future".
    let asOf: String
    /// Event time of compliant writes (before `asOf`) and of violating ones (after it).
    let compliantEventTime: String
    let leakingEventTime: String

    init(jetStream: JetStream, tracker: CompletionTracker, runID: String, features: Int, violatingPercent: Double,
         violatingService: String, maxBatch: Int, start: Date = Date()) {
        self.jetStream = jetStream
        self.tracker = tracker
        self.runID = runID
        self.features = features
        self.violatingPercent = violatingPercent
        self.violatingService = violatingService
        self.maxBatch = maxBatch
        let format = ISO8601DateFormatter()
        format.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        asOf = format.string(from: start.addingTimeInterval(-5))
        compliantEventTime = format.string(from: start.addingTimeInterval(-6))
        leakingEventTime = format.string(from: start.addingTimeInterval(60))
    }

    /// Whether write `sequence` is a violating (CRITICAL) one. Spread evenly: with 10 %, every 10th.
    func isViolating(_ sequence: Int) -> Bool {
        guard violatingPercent > 0 else { return false }
        let share = violatingPercent / 100
        return Int(Double(sequence + 1) * share) > Int(Double(sequence) * share)
    }

    /// Violating writes among `range`.
    func violating(in range: Range<Int>) -> Int { range.reduce(0) { $0 + (isViolating($1) ? 1 : 0) } }

    /// The first violating sequence at or after `first`.
    func firstViolating(from first: Int) -> Int? { (first..<first + 100_000).first(where: isViolating) }

    /// The JSON of write `sequence`, on `service` when given (the probe uses a service of its own).
    func payload(_ sequence: Int, service: String? = nil) -> [UInt8] {
        let leaking = isViolating(sequence) || service != nil
        let name = service ?? (leaking ? violatingService : "pitbench-compliant")
        let json = "{\"feature_name\":\"pitbench_f\(sequence % features)\",\"entity_id\":\"\(runID)-\(sequence)\","
            + "\"value\":\(Double(sequence % 1000) / 1000),\"event_timestamp\":\"\(leaking ? leakingEventTime : compliantEventTime)\","
            + "\"as_of_timestamp\":\"\(asOf)\",\"version\":1,\"is_revision\":false,\"service_name\":\"\(name)\"}"
        return Array(json.utf8)
    }

    /// Publishes `first..<first + count` at `rate` writes per second on a fixed schedule (write i
    /// due at start + i/rate); a slow publish makes the next batch bigger instead of shifting it.
    func runPaced(first: Int, rate: Double, count: Int) -> LoadGenerator.Result {
        var result = LoadGenerator.Result()
        let start = Monotonic.nanos()
        let interval = 1e9 / rate
        var sequence = first
        let end = first + count
        while sequence < end {
            let due = min(end, first + Int(Double(Monotonic.nanos() - start) / interval) + 1)
            if due <= sequence {
                Monotonic.sleep(until: start + UInt64(Double(sequence - first) * interval))
                continue
            }
            let upTo = min(due, sequence + maxBatch)
            publish(sequence..<upTo, times: (sequence..<upTo).map { start + UInt64(Double($0 - first) * interval) }, into: &result)
            sequence = upTo
        }
        result.elapsed = Monotonic.nanos() - start
        result.next = sequence
        return result
    }

    /// Publishes from `first` as fast as JetStream acknowledges for `duration` nanoseconds while
    /// `backlog()` (writes stored but not yet acknowledged by Vigil) stays under `maxBacklog`.
    func runMax(first: Int, duration: UInt64, maxBacklog: Int, backlog: () -> Int) -> LoadGenerator.Result {
        var result = LoadGenerator.Result()
        let start = Monotonic.nanos()
        var sequence = first
        while Monotonic.nanos() - start < duration {
            if backlog() + maxBatch > maxBacklog {
                Monotonic.sleep(until: Monotonic.nanos() + 1_000_000)
                continue
            }
            let now = Monotonic.nanos()
            publish(sequence..<sequence + maxBatch, times: Array(repeating: now, count: maxBatch), into: &result)
            sequence += maxBatch
        }
        result.elapsed = Monotonic.nanos() - start
        result.next = sequence
        return result
    }

    /// Publishes the probe: one leaking write on `service`; returns whether JetStream stored it.
    func publishProbe(_ sequence: Int, service: String) -> Bool {
        tracker.sent(from: sequence, times: [Monotonic.nanos()])
        let message = OutboundMessage(subject: "features.writes.pitbench_f\(sequence % features)",
                                      payload: payload(sequence, service: service), messageID: "\(runID)-\(sequence)")
        return (try? jetStream.publishBatch([message], timeout: .seconds(10))) != nil
    }

    private func publish(_ range: Range<Int>, times: [UInt64], into result: inout LoadGenerator.Result) {
        let messages = range.map { sequence in
            OutboundMessage(subject: "features.writes.pitbench_f\(sequence % features)", payload: payload(sequence),
                            messageID: "\(runID)-\(sequence)")
        }
        // Send times are recorded before the publish, so an event can never arrive unmatched.
        tracker.sent(from: range.lowerBound, times: times)
        result.largestBatch = max(result.largestBatch, messages.count)
        do {
            try jetStream.publishBatch(messages, timeout: .seconds(10))
            result.published += messages.count
        } catch {
            result.failed += messages.count
        }
    }
}
