import Foundation
import Synchronization

/// ``ViolationWindowStore`` in process memory, for tests and a single instance.
public final class InMemoryViolationWindowStore: ViolationWindowStore {
    private let series = Mutex<[String: [String: Int64]]>([:])

    /// Creates an empty store.
    public init() {}

    public func record(_ entries: [ViolationWindowEntry]) throws -> [ViolationWindowCount] {
        series.withLock { all in
            entries.map { entry in
                let now = WindowArithmetic.milliseconds(entry.at)
                let window = ViolationWindowArithmetic.windowMilliseconds(entry.window)
                let horizon = now - ViolationWindowArithmetic.retentionMilliseconds(entry)
                var members = all[entry.series, default: [:]].filter { $0.value > horizon }
                let isNew = members[entry.violationID] == nil
                if isNew { members[entry.violationID] = now }
                all[entry.series] = members
                let count = members.values.count { $0 > now - window }
                let previous = members.values.count { $0 > now - 2 * window && $0 <= now - window }
                return ViolationWindowCount(isNew: isNew, count: count, previousCount: previous)
            }
        }
    }
}
