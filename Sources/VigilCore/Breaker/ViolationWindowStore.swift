public import Foundation

/// One violation to count in the sliding window of a (scope, severity) series; a nil severity is
/// the series of every severity (used for the hourly trend).
public struct ViolationWindowEntry: Sendable, Equatable {
    /// The violation; a series counts each id once.
    public var violationID: String
    /// Breaker scope (`global`, `service:…`, `portfolio:…`, `strategy:…`).
    public var scope: String
    /// Severity series, or nil for all severities.
    public var severity: Severity?
    /// Processing time at which it is counted.
    public var at: Date
    /// Window length in seconds (≤ 0 counts as 1 ms: "at once").
    public var window: Double
    /// How long ids are remembered for deduplication, in seconds, when longer than two windows.
    public var retention: Double

    /// Creates an entry.
    public init(violationID: String, scope: String, severity: Severity?, at: Date, window: Double, retention: Double = 3600) {
        self.violationID = violationID
        self.scope = scope
        self.severity = severity
        self.at = at
        self.window = window
        self.retention = retention
    }

    /// The series name used in keys: `<scope>:<severity|any>`.
    public var series: String { "\(scope):\(severity?.rawValue.lowercased() ?? "any")" }
}

/// What a series holds after an entry was recorded.
public struct ViolationWindowCount: Sendable, Equatable {
    /// False when the id was already in the series (a redelivery): nothing changed.
    public var isNew: Bool
    /// Members in the window `(at − window, ∞)`, the entry included.
    public var count: Int
    /// Members in the window before it, `(at − 2·window, at − window]`.
    public var previousCount: Int

    /// Creates a count.
    public init(isNew: Bool, count: Int, previousCount: Int) {
        self.isNew = isNew
        self.count = count
        self.previousCount = previousCount
    }
}

/// Exact sliding windows of violations per (scope, severity), shared by every instance.
/// Semantics (docs/breaker.md), the same for every implementation:
/// - Time is processing time (the entry's `at`, from the engine clock) in whole milliseconds; a
///   member counts while younger than the window: one recorded exactly `window` ago has expired.
/// - Members are violation ids: recording an id the series still remembers changes nothing and
///   returns `isNew == false` with the current counts; a redelivered violation never counts twice.
///   Ids are remembered for `max(2·window, retention)`.
/// - Lateness: an entry is scored at its own `at`; one older than the newest member (an instance
///   with a lagging clock) is still counted at its time, so it may already be outside later windows.
/// - Entries of one call are recorded in order, each atomically.
public protocol ViolationWindowStore: Sendable {
    /// Records each entry and returns the counts of its series right after.
    func record(_ entries: [ViolationWindowEntry]) throws -> [ViolationWindowCount]
}

/// Millisecond arithmetic shared by the stores, so they agree exactly.
public enum ViolationWindowArithmetic {
    /// Window length in ms (at least 1).
    public static func windowMilliseconds(_ seconds: Double) -> Int64 { WindowArithmetic.windowMilliseconds(seconds) }

    /// How long a series remembers ids, in ms.
    public static func retentionMilliseconds(_ entry: ViolationWindowEntry) -> Int64 {
        max(2 * windowMilliseconds(entry.window), windowMilliseconds(entry.retention))
    }
}
