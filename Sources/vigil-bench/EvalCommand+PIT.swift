import Foundation
import VigilCore

// `vigil-bench eval --only pit`: the feature-write path as the `vigil-features` worker runs it
// (JSON decode and validation, the PIT checks against in-memory stores, the violation CloudEvents),
// on the calling thread, timed per CPU-second like the decision paths.
extension EvalCommand {
    /// Features the writes are spread over, as `vigil-bench pit` does.
    static let pitFeatures = 8

    func runPIT() throws {
        let messages = Self.pitMessages(count: 1024, violatingPercent: violatingPercent)
        // No contracts, as in `vigil-bench pit`: compliant writes raise only the hourly CONFIG_WARNING.
        let processor = PITProcessor(contracts: FeatureContractRegistry(), stores: .inMemory(), clock: SystemClock())
        let sample = try processor.process(messages)
        let events = sample.reduce(0) { total, outcome in
            if case .checked(let result) = outcome { return total + result.events.count }
            return total
        }
        print("eval pit: \(messages.count) distinct writes over \(Self.pitFeatures) features, \(violatingPercent)% leaking; "
              + "first pass: \(events) violation events")
        var failures = 0, published = 0
        let rates = measure(label: "PITProcessor.process (decode+check+encode)", iterations: processIterations) { count in
            var done = 0
            while done < count {
                let size = min(batch, count - done)
                let start = (done & 1023) <= 1024 - size ? done & 1023 : 0
                do {
                    for outcome in try processor.process(Array(messages[start..<start + size])) {
                        switch outcome {
                        case .deadLettered: failures += 1
                        case .checked(let result): published += result.events.count
                        }
                    }
                } catch {
                    failures += size
                }
                done += size
            }
        }
        if failures > 0 { throw BenchError("\(failures) feature writes were refused by PITProcessor; the workload is broken") }
        let median = Stats.median(rates)
        print("")
        print("| path | median (per CPU-second) | CPU per write | runs |")
        print("|---|---|---|---|")
        print("| PITProcessor.process | \(Stats.rate(median)) | \(String(format: "%.2f", 1e6 / median)) µs | "
              + rates.map { Stats.grouped(Int($0)) }.joined(separator: ", ") + " | (\(published) events)")
    }

    /// Writes shaped like `PitGenerator.payload`: write *i* is on feature `i % 8` with a numeric
    /// value, and the `violatingPercent` share has its event time after its knowledge time
    /// (FUTURE_LEAKAGE, one CRITICAL event each).
    static func pitMessages(count: Int, violatingPercent: Double, start: Date = Date()) -> [InboundMessage] {
        let format = ISO8601DateFormatter()
        format.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let asOf = format.string(from: start.addingTimeInterval(-5))
        let onTime = format.string(from: start.addingTimeInterval(-6))
        let leaking = format.string(from: start.addingTimeInterval(60))
        let share = violatingPercent / 100
        return (0..<count).map { sequence in
            let leaks = share > 0 && Int(Double(sequence + 1) * share) > Int(Double(sequence) * share)
            let json = "{\"feature_name\":\"pitbench_f\(sequence % pitFeatures)\",\"entity_id\":\"bench-eval-\(sequence)\","
                + "\"value\":\(Double(sequence % 1000) / 1000),\"event_timestamp\":\"\(leaks ? leaking : onTime)\","
                + "\"as_of_timestamp\":\"\(asOf)\",\"version\":1,\"is_revision\":false,"
                + "\"service_name\":\"\(leaks ? "pitbench-eval" : "pitbench-compliant")\"}"
            return InboundMessage(subject: "features.writes.pitbench_f\(sequence % pitFeatures)", payload: Data(json.utf8),
                                  streamSequence: UInt64(sequence + 1))
        }
    }
}
