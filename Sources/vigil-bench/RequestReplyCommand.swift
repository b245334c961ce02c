import ArgumentParser
import Foundation
import Histogram
import Synchronization
import VigilNATS

/// `vigil-bench validate-rr`: latency of the `vigil.validate` request-reply path, first with one
/// requester waiting for each reply, then with several requesters at once (closed loop).
struct RequestReplyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate-rr", abstract: "Request-reply latency of vigil.validate (reads VIGIL_NATS_URL).")

    @Option(help: "Requests per phase.")
    var requests = 5_000

    @Option(help: "Untimed requests before each phase.")
    var warmup = 500

    @Option(help: "Concurrent requesters in the second phase (0 skips it).")
    var concurrency = 8

    @Option(help: "Percentage of requests that break a strict limit.")
    var violatingPercent = 10.0

    @Option(help: "Request subject.")
    var subject = "vigil.validate"

    func validate() throws {
        guard requests >= 1, warmup >= 0, concurrency >= 0 else {
            throw ValidationError("need --requests >= 1, --warmup >= 0, --concurrency >= 0")
        }
    }

    func run() throws {
        let url = try BenchEnvironment.natsURL()
        let workload = try BenchWorkload.load(policyFile: nil, ordersPerDecision: 3)
        let factory = try PayloadFactory(workload: workload, runID: "benchrr", portfolios: 16,
                                         violatingPercent: violatingPercent, includeState: true)
        var options = NATSConfiguration(url: url)
        options.name = "vigil-bench-rr"
        // Without SendAsap cnats holds each request ~1 ms before writing it (NOTES.md).
        options.sendAsap = true
        let connection = try NATSConnection(configuration: options)
        defer { connection.close() }
        let payloads = (0..<256).map { factory.payload($0) }

        print("validate-rr: \(subject), \(Stats.grouped(requests)) requests per phase, \(violatingPercent)% violating")
        for phase in concurrency > 0 ? [1, concurrency] : [1] {
            _ = try requestLoop(connection, payloads: payloads, count: warmup, threads: phase)
            let start = Monotonic.nanos()
            let (histogram, errors) = try requestLoop(connection, payloads: payloads, count: requests, threads: phase)
            let seconds = Double(Monotonic.nanos() - start) / 1e9
            print("")
            print(LatencyReport.table(histogram, title: "\(phase) requester\(phase == 1 ? "" : "s"): "
                                      + "\(Stats.rate(Double(requests) / seconds)), error replies \(errors)"))
        }
    }

    /// Sends `count` requests from `threads` threads; returns latencies (ns) and error replies.
    private func requestLoop(_ connection: NATSConnection, payloads: [[UInt8]], count: Int,
                             threads: Int) throws -> (Histogram<UInt64>, Int) {
        let merged = RequesterResults()
        let subject = self.subject
        let group = DispatchGroup()
        for thread in 0..<threads {
            let share = count / threads + (thread < count % threads ? 1 : 0)
            group.enter()
            // Requests block in cnats: dedicated threads, never the cooperative pool.
            Thread.detachNewThread {
                var histogram = Histogram<UInt64>(lowestDiscernibleValue: 1_000, highestTrackableValue: 60_000_000_000,
                                                  numberOfSignificantValueDigits: .three)
                var errors = 0
                var failure: String?
                for index in 0..<share {
                    let start = Monotonic.nanos()
                    do {
                        let reply = try connection.request(subject: subject, payload: payloads[(index * threads + thread) & 255],
                                                           timeout: .seconds(5))
                        _ = histogram.record(max(Monotonic.nanos() - start, 1_000))
                        if reply.headers["Vigil-Error"] != nil { errors += 1 }
                    } catch {
                        failure = "\(error)"
                        break
                    }
                }
                merged.state.withLock { state in
                    state.histogram.add(histogram)
                    state.errors += errors
                    if let failure { state.failures.append(failure) }
                }
                group.leave()
            }
        }
        group.wait()
        let (histogram, errors, failures) = merged.state.withLock { ($0.histogram, $0.errors, $0.failures) }
        if let failure = failures.first {
            throw BenchError("request on \(subject) failed: \(failure) (is `vigil run` running?)")
        }
        return (histogram, errors)
    }
}

/// What the requester threads of one phase measured, merged as each finishes.
final class RequesterResults: Sendable {
    struct State {
        var histogram = Histogram<UInt64>(lowestDiscernibleValue: 1_000, highestTrackableValue: 60_000_000_000,
                                          numberOfSignificantValueDigits: .three)
        var errors = 0
        var failures: [String] = []
    }

    let state = Mutex(State())
}
