public import Foundation
import Synchronization

/// Per-minute dispatch counters shared by every instance: each minute is a map of named counters
/// (see ``DispatchMetricFields``), added to and never overwritten, so instances merge by adding.
public protocol DispatchMetricsStore: Sendable {
    /// Adds counters to minute buckets (minute = Unix minutes).
    func add(_ increments: [Int64: [String: Int64]]) throws
    /// The buckets in `minutes` that have counters.
    func buckets(_ minutes: ClosedRange<Int64>) throws -> [Int64: [String: Int64]]
}

/// ``DispatchMetricsStore`` in memory, for unit tests and the simulator; keeps 25 hours.
public final class InMemoryDispatchMetricsStore: DispatchMetricsStore {
    private let minutes = Mutex<[Int64: [String: Int64]]>([:])

    /// Creates an empty store.
    public init() {}

    public func add(_ increments: [Int64: [String: Int64]]) throws {
        minutes.withLock { minutes in
            for (minute, fields) in increments {
                minutes[minute, default: [:]].merge(fields, uniquingKeysWith: +)
            }
            if let newest = minutes.keys.max() {
                minutes = minutes.filter { $0.key > newest - 25 * 60 }
            }
        }
    }

    public func buckets(_ range: ClosedRange<Int64>) throws -> [Int64: [String: Int64]] {
        minutes.withLock { $0.filter { range.contains($0.key) } }
    }
}

/// The counters one dispatch event adds to the bucket of its minute.
///
/// Fields: `e:<kind>` events of a kind; `ta:n`, `ta:ms`, `ta:h:<bucket>` count, sum (ms) and
/// ``LatencyHistogram`` buckets of time-to-acknowledge (`tr:` for time-to-resolve);
/// `r:<region>:` + the `e:`, `ta:n`, `ta:ms`, `tr:n`, `tr:ms` fields per region.
public enum DispatchMetricFields {
    /// Unix minute of a time.
    public static func minute(of date: Date) -> Int64 { Int64((date.timeIntervalSince1970 / 60).rounded(.down)) }

    /// The increments of a batch of updates, by minute. Duplicates and ignored events add nothing;
    /// a latency counts once, when its kind is first seen.
    public static func increments(for updates: [DispatchUpdate]) -> [Int64: [String: Int64]] {
        var out: [Int64: [String: Int64]] = [:]
        for update in updates where update.transition.outcome == .applied {
            let event = update.event
            let region = "r:\(event.region):"
            var fields = ["e:\(event.kind.rawValue)": Int64(1), "\(region)e:\(event.kind.rawValue)": 1]
            let record = update.transition.record
            let latency: (String, TimeInterval?)? = switch event.kind {
            case .acknowledged: ("ta", record.timeToAcknowledge)
            case .resolved: ("tr", record.timeToResolve)
            default: nil
            }
            if update.transition.isFirstOfKind, let (name, value) = latency, let seconds = value, seconds >= 0 {
                let ms = Int64((seconds * 1000).rounded())
                fields["\(name):n"] = 1
                fields["\(name):ms"] = ms
                fields["\(name):h:\(LatencyHistogram.bucket(of: seconds))"] = 1
                fields["\(region)\(name):n"] = 1
                fields["\(region)\(name):ms"] = ms
            }
            out[minute(of: event.timestamp), default: [:]].merge(fields, uniquingKeysWith: +)
        }
        return out
    }
}
