import ArgumentParser
import Foundation
import Synchronization
import VigilCore
import VigilNATS
import VigilService

/// `vigil-bench pit`: feature-write load against a running `vigil run`. Writes go in through
/// JetStream on `features.writes.<feature>`; a share of them leak the future (CRITICAL). Measured:
/// writes/s processed (the PIT consumer drained), write → `vigil.events.violation.pit.critical`
/// latency per violating write, and first CRITICAL write → `vigil.events.breaker.tripped.<scope>`
/// for a breaker scope (`service:<run>`) used by this run only. The breakers it tripped are reset.
struct PitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pit", abstract: "Feature-write load against a running `vigil run` (reads VIGIL_NATS_URL, VIGIL_REDIS_URL, VIGIL_DATABASE_URL).")

    @Option(help: "Writes per second on a fixed schedule; 0 publishes at the maximum rate.")
    var rate = 5_000.0

    @Option(help: "How long to publish, e.g. 20s.", transform: BenchDuration.parse)
    var duration: Double = 20

    @Option(help: "Leading part of the run left out of the histogram.", transform: BenchDuration.parse)
    var warmup: Double = 2

    @Option(help: "How long to wait after the last publish for the consumer to drain.", transform: BenchDuration.parse)
    var drain: Double = 20

    @Option(help: "Percentage of writes that leak the future (FUTURE_LEAKAGE, CRITICAL).")
    var violatingPercent = 10.0

    @Option(help: "Features the writes are spread over.")
    var features = 8

    @Option(help: "Largest JetStream publish batch.")
    var maxBatch = 256

    @Option(help: "Max-rate mode only: writes stored but not yet acknowledged by Vigil, at most.")
    var maxBacklog = 20_000

    @Option(help: "Vigil's feature stream and durable consumer (pit.stream.name, pit.durable_name).")
    var stream = "VIGIL_FEATURES"
    @Option(help: "See --stream.")
    var durable = "vigil-features"

    @Flag(help: "Leave the tripped breakers open (default: reset them through Redis/PostgreSQL like `vigil breakers reset`).")
    var keepTripped = false

    func validate() throws {
        guard rate >= 0, duration > 0, warmup >= 0, warmup < duration, drain >= 0, features >= 1, maxBatch >= 1,
              violatingPercent > 0, violatingPercent <= 100, maxBacklog >= maxBatch else {
            throw ValidationError("need --rate >= 0, --duration > --warmup >= 0, 0 < --violating-percent <= 100, --features/--max-batch >= 1, --max-backlog >= --max-batch")
        }
    }

    func run() throws {
        let url = try BenchEnvironment.natsURL()
        let runID = "pit" + String(UUID().uuidString.prefix(8)).lowercased()
        let service = "pitbench-\(runID)", probeService = "pitbench-\(runID)-probe"
        let warmupCount = rate > 0 ? Int(rate * warmup) + 1 : 1
        let tracker = CompletionTracker(runID: runID, recordFrom: warmupCount, field: "entity_id")
        let trips = TripWatch(subjectSuffix: "." + SubjectToken.sanitize("service:\(service)"))

        var subOptions = NATSConfiguration(url: url)
        subOptions.name = "vigil-bench-pit-sub"
        subOptions.pendingMessagesLimit = 1_000_000
        let subscriber = try NATSConnection(configuration: subOptions)
        var pubOptions = NATSConfiguration(url: url)
        pubOptions.name = "vigil-bench-pit-pub"
        pubOptions.sendAsap = rate > 0
        let publisher = try NATSConnection(configuration: pubOptions)
        defer { publisher.close(); subscriber.close() }
        // Only CRITICAL: the compliant writes' CONFIG_WARNING (LOW) must not count as answers.
        let violations = try subscriber.subscribe(subject: "vigil.events.violation.pit.critical") { tracker.receive($0) }
        let tripped = try subscriber.subscribe(subject: "vigil.events.breaker.tripped.*") { trips.receive($0) }
        defer { violations.unsubscribe(); tripped.unsubscribe() }
        try subscriber.flush()
        let jetStream = try publisher.jetStream()
        let generator = PitGenerator(jetStream: jetStream, tracker: tracker, runID: runID, features: features,
                                     violatingPercent: violatingPercent, violatingService: service, maxBatch: maxBatch)
        defer { if !keepTripped { resetBreakers(["service:\(service)", "service:\(probeService)", "global"]) } }

        // Probe on a service of its own (it trips that scope and global, not the run's scope).
        guard generator.publishProbe(0, service: probeService) else {
            throw BenchError("JetStream did not store a write on features.writes.…: is `vigil run` running with pit enabled?")
        }
        let probeDeadline = Monotonic.nanos() + 15_000_000_000
        while !tracker.answered(0), Monotonic.nanos() < probeDeadline { Monotonic.sleep(until: Monotonic.nanos() + 1_000_000) }
        guard tracker.answered(0) else { throw BenchError("no vigil.events.violation.pit.critical event within 15 s: is `vigil run` consuming?") }
        let backlog = { () -> Int in
            guard let info = try? jetStream.consumerInfo(stream: stream, durable: durable) else { return Int.max / 2 }
            return Int(info.pending) + info.ackPending
        }

        let mode = rate > 0 ? "paced at \(Stats.rate(rate))" : "max rate (≤ \(Stats.grouped(maxBacklog)) unacknowledged)"
        print("pit: run \(runID), \(mode), \(duration)s, \(features) features, \(violatingPercent)% FUTURE_LEAKAGE "
              + "(CRITICAL, service \(service)), batches ≤ \(maxBatch)")
        let result = rate > 0
            ? generator.runPaced(first: 1, rate: rate, count: Int(rate * duration))
            : generator.runMax(first: 1, duration: UInt64(duration * 1e9), maxBacklog: maxBacklog, backlog: backlog)
        let start = Monotonic.nanos() - result.elapsed
        let expected = generator.violating(in: 1..<result.next)
        let drainDeadline = Monotonic.nanos() + UInt64(drain * 1e9)
        var drained: UInt64?
        while Monotonic.nanos() < drainDeadline {
            if drained == nil, backlog() == 0 { drained = Monotonic.nanos() }
            if drained != nil, tracker.receivedSince(1) >= expected { break }
            Monotonic.sleep(until: Monotonic.nanos() + 10_000_000)
        }
        report(result, start: start, drained: drained, expected: expected, tracker: tracker, trips: trips,
               firstCritical: generator.firstViolating(from: 1))
    }

    private func report(_ result: LoadGenerator.Result, start: UInt64, drained: UInt64?, expected: Int,
                        tracker: CompletionTracker, trips: TripWatch, firstCritical: Int?) {
        let snap = tracker.snapshot()
        let answered = snap.received - 1
        print("published \(Stats.grouped(result.published)) writes (\(Stats.rate(Double(result.published) / (Double(result.elapsed) / 1e9)))), "
              + "failed publishes \(result.failed), largest batch \(result.largestBatch)")
        if let drained {
            let seconds = Double(drained - start) / 1e9
            print("processed: consumer drained \(String(format: "%.1f", seconds)) s after the first publish: "
                  + "\(Stats.rate(Double(result.published) / seconds)) writes")
        } else {
            print("processed: consumer NOT drained within --drain (Vigil did not keep up)")
        }
        print("violation events \(Stats.grouped(answered)) of \(Stats.grouped(expected)) CRITICAL writes, lost \(expected - answered), "
              + "duplicates \(snap.duplicates), other runs' events \(snap.foreign)")
        print(LatencyReport.table(snap.histogram, title: "write → violation event, " + (rate > 0 ? "from scheduled send" : "from publish")))
        if let firstCritical, let sent = tracker.sendTime(firstCritical), let trip = trips.first {
            print("write → breaker trip (first CRITICAL write #\(firstCritical) → vigil.events.breaker.tripped.\(trips.subjectSuffix.dropFirst())): "
                  + "\(Stats.millis(trip > sent ? trip - sent : 0)) ms")
        } else {
            print("write → breaker trip: no tripped event for the run's scope")
        }
        if rate > 0 {
            print("target (issue 4): p99 <= 5 ms at \(Stats.rate(rate)): \(LatencyReport.p99(snap.histogram, atMost: 5_000_000) ? "met" : "MISSED")")
        }
    }

    /// Closes `scopes` the way `vigil breakers reset` does; failures are printed, not thrown, so
    /// the figures already measured are still reported.
    private func resetBreakers(_ scopes: [String]) {
        do {
            let configuration = try ConfigurationLoader().load(file: nil)
            for scope in scopes {
                let transition = try VigilTasks.resetBreaker(configuration, scope: scope, note: "vigil-bench pit cleanup")
                print("reset breaker \(scope): \(transition == nil ? "was closed" : "closed")")
            }
        } catch {
            print("warning: could not reset breakers \(scopes): \(error); run `vigil breakers reset SCOPE`")
        }
    }
}

/// The receive time of the first `vigil.events.breaker.tripped.*` event for one scope.
final class TripWatch: Sendable {
    /// `.<sanitized scope>`: the end of the subject that identifies the run's breaker.
    let subjectSuffix: String
    private let firstTrip = Mutex<UInt64?>(nil)

    init(subjectSuffix: String) { self.subjectSuffix = subjectSuffix }

    /// Handles one tripped event (called on the subscription's delivery thread).
    func receive(_ message: NATSMessage) {
        let now = Monotonic.nanos()
        guard message.subject.hasSuffix(subjectSuffix) else { return }
        firstTrip.withLock { if $0 == nil { $0 = now } }
    }

    /// When the first trip of the scope arrived (monotonic ns), if it did.
    var first: UInt64? { firstTrip.withLock { $0 } }
}
