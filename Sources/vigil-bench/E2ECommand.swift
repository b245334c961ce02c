import ArgumentParser
import Foundation
import VigilCore
import VigilNATS

/// `vigil-bench e2e`: end-to-end load against a running `vigil run`. Decisions go in through
/// JetStream; latency is taken when the matching `policy_validation_completed` event arrives on a
/// core NATS subscription (a separate connection, so publishing never stalls the reader).
struct E2ECommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "e2e", abstract: "Load generator against a running `vigil run` (reads VIGIL_NATS_URL).")

    @Option(help: "Decisions per second on a fixed schedule; 0 publishes at the maximum rate.")
    var rate = 5_000.0

    @Option(help: "How long to publish, e.g. 30s, 2m.", transform: BenchDuration.parse)
    var duration: Double = 30

    @Option(help: "Leading part of the run left out of the histogram, e.g. 2s.", transform: BenchDuration.parse)
    var warmup: Double = 2

    @Option(help: "How long to wait after the last publish for outstanding events, e.g. 10s.", transform: BenchDuration.parse)
    var drain: Double = 10

    @Option(help: "Portfolios the decisions are spread over.")
    var portfolios = 16

    @Option(help: "Percentage of decisions that break a strict limit (they also produce violation events and rows).")
    var violatingPercent = 10.0

    @Option(help: "Orders per decision.")
    var orders = 3

    @Option(help: "Largest JetStream publish batch.")
    var maxBatch = 256

    @Option(help: "Max-rate mode only: decisions published but not yet answered, at most.")
    var maxInFlight = 20_000

    @Option(help: "Flush every publish at once (cnats SendAsap) instead of after ~1 ms: default on in paced mode, so the generator's own buffering is not counted as Vigil's latency.")
    var sendAsap: Bool?

    @Option(help: "Write each decision's send time and latency to this CSV file, to see when in a run the slow ones happened.")
    var latencies: String?

    @Flag(help: "Send decisions without portfolio_state; Vigil reads the snapshot the generator publishes first (Redis).")
    var storedState = false

    @Option(help: "Subject prefix of decisions (the portfolio id follows).")
    var subjectPrefix = "trading.decisions."

    func validate() throws {
        guard rate >= 0, duration > 0, warmup >= 0, warmup < duration, drain >= 0, portfolios >= 1, orders >= 1,
              maxBatch >= 1, maxInFlight >= maxBatch else {
            throw ValidationError("need --rate >= 0, --duration > --warmup >= 0, --portfolios/--orders/--max-batch >= 1, --max-in-flight >= --max-batch")
        }
    }

    func run() throws {
        let url = try BenchEnvironment.natsURL()
        let runID = "bench" + String(UUID().uuidString.prefix(8)).lowercased()
        let workload = try BenchWorkload.load(policyFile: nil, ordersPerDecision: orders)
        let factory = try PayloadFactory(workload: workload, runID: runID, portfolios: portfolios,
                                         violatingPercent: violatingPercent, includeState: !storedState)
        let warmupCount = rate > 0 ? Int(rate * warmup) + 1 : 0
        let tracker = CompletionTracker(runID: runID, recordFrom: warmupCount)

        var subOptions = NATSConfiguration(url: url)
        subOptions.name = "vigil-bench-sub"
        subOptions.pendingMessagesLimit = 1_000_000
        let subscriber = try NATSConnection(configuration: subOptions)
        var pubOptions = NATSConfiguration(url: url)
        pubOptions.name = "vigil-bench-pub"
        pubOptions.sendAsap = sendAsap ?? (rate > 0)
        let publisher = try NATSConnection(configuration: pubOptions)
        defer { publisher.close(); subscriber.close() }
        let subscription = try subscriber.subscribe(subject: "vigil.events.policy_validation_completed.*") { tracker.receive($0) }
        defer { subscription.unsubscribe() }
        try subscriber.flush()
        let generator = LoadGenerator(jetStream: try publisher.jetStream(), factory: factory, tracker: tracker,
                                      subjectPrefix: subjectPrefix, maxBatch: maxBatch)

        if storedState { try publishSnapshots(workload: workload, factory: factory, on: publisher) }
        // Probe: one decision must come back before the clock starts, or nothing is listening.
        guard generator.publishOne(0) else {
            throw BenchError("JetStream did not store a decision on \(subjectPrefix)…: is `vigil run` running (it creates the stream)?")
        }
        let probeDeadline = Monotonic.nanos() + 15_000_000_000
        while !tracker.answered(0), Monotonic.nanos() < probeDeadline { Monotonic.sleep(until: Monotonic.nanos() + 1_000_000) }
        guard tracker.answered(0) else { throw BenchError("no policy_validation_completed event within 15 s: is `vigil run` consuming?") }

        let mode = rate > 0 ? "paced at \(Stats.rate(rate))" : "max rate (≤ \(Stats.grouped(maxInFlight)) in flight)"
        print("e2e: run \(runID), \(mode), \(duration)s, \(portfolios) portfolios, \(orders) orders/decision, "
              + (storedState ? "state from Redis snapshot, " : "state inline, ")
              + "\(violatingPercent)% violating, batches ≤ \(maxBatch)")
        let result = rate > 0
            ? generator.runPaced(first: 1, rate: rate, count: Int(rate * duration))
            : generator.runMax(first: 1, duration: UInt64(duration * 1e9), maxInFlight: maxInFlight)
        let sent = result.next - 1
        let drainDeadline = Monotonic.nanos() + UInt64(drain * 1e9)
        while tracker.receivedSince(1) < result.published, Monotonic.nanos() < drainDeadline {
            Monotonic.sleep(until: Monotonic.nanos() + 5_000_000)
        }
        let snap = tracker.snapshot()
        let answered = snap.received - 1
        let publishSeconds = Double(result.elapsed) / 1e9
        let receiveSeconds = Double(snap.last - snap.first) / 1e9
        print("published \(Stats.grouped(result.published)) (\(Stats.rate(Double(result.published) / publishSeconds))), "
              + "failed publishes \(result.failed), largest batch \(result.largestBatch)")
        print("received \(Stats.grouped(answered)) events (\(Stats.rate(Double(answered) / max(receiveSeconds, 1e-9))) over "
              + "\(String(format: "%.1f", receiveSeconds)) s), lost \(sent - answered), duplicates \(snap.duplicates), other runs' events \(snap.foreign)")
        print(LatencyReport.table(snap.histogram, title: rate > 0 ? "latency from scheduled send" : "latency from publish"))
        if let latencies {
            try tracker.latencyCSV().write(toFile: latencies, atomically: true, encoding: .utf8)
        }
        if rate > 0 {
            print("target: p99 <= 2 ms at \(Stats.rate(rate)): \(LatencyReport.p99(snap.histogram, atMost: 2_000_000) ? "met" : "MISSED")")
        } else {
            let throughput = Double(answered) / max(receiveSeconds, 1e-9)
            print("target: >= 50,000/s sustained: \(throughput >= 50_000 ? "met" : "MISSED")")
        }
    }
}

extension E2ECommand {
    /// Publishes one state snapshot per portfolio and waits until Vigil has stored them.
    func publishSnapshots(workload: BenchWorkload, factory: PayloadFactory, on connection: NATSConnection) throws {
        let encoder = OutputEncoder()
        for portfolio in Set(factory.templates.map(\.portfolioID)) {
            let state = workload.state(portfolioID: portfolio, asOf: Date())
            try connection.publish(subject: "trading.portfolios.\(portfolio).state", payload: Array(try encoder.encode(state)))
        }
        try connection.flush()
        Thread.sleep(forTimeInterval: 1)
    }
}

/// Parses durations such as `30s`, `500ms`, `2m` or a bare number of seconds.
enum BenchDuration {
    /// Seconds in `text`, or a ValidationError naming the value.
    static func parse(_ text: String) throws -> Double {
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60)]
        for (suffix, factor) in units where text.hasSuffix(suffix) {
            if let value = Double(text.dropLast(suffix.count)), value >= 0 { return value * factor }
        }
        if let value = Double(text), value >= 0 { return value }
        throw ValidationError("expected a duration such as 30s, 500ms or 2m, got '\(text)'")
    }
}
