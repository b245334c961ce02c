import Foundation

/// Scenarios every ``ViolationWindowStore`` (and ``BreakerStore``) must pass, run by the tests
/// against the in-memory stores and Redis so they cannot drift apart. Each returns the problems it
/// found; each needs a scope no other run uses.
public struct ViolationWindowConformance: Sendable, CustomStringConvertible {
    /// The scenario's name.
    public let name: String
    private let body: @Sendable (any ViolationWindowStore, any BreakerStore, String) throws -> [String]

    /// The scenario's name.
    public var description: String { name }

    /// Runs the scenario; returns what went wrong (empty when the stores behave).
    public func run(windows: any ViolationWindowStore, breakers: any BreakerStore, scope: String) throws -> [String] {
        try body(windows, breakers, scope)
    }

    init(_ name: String, _ body: @escaping @Sendable (any ViolationWindowStore, any BreakerStore, String, inout [String]) throws -> Void) {
        self.name = name
        self.body = { windows, breakers, scope in
            var problems: [String] = []
            try body(windows, breakers, scope, &problems)
            return problems
        }
    }

    static let start = Date(timeIntervalSince1970: 1_750_500_000)

    static func entry(_ id: String, _ scope: String, at seconds: Double, window: Double = 900,
                      severity: Severity? = .medium) -> ViolationWindowEntry {
        ViolationWindowEntry(violationID: id, scope: scope, severity: severity, at: start.addingTimeInterval(seconds), window: window)
    }

    static func expect(_ got: ViolationWindowCount, _ want: ViolationWindowCount, _ what: String, _ problems: inout [String]) {
        if got != want { problems.append("\(what): got \(got), want \(want)") }
    }

    /// Every scenario.
    public static let all: [ViolationWindowConformance] = [
        ViolationWindowConformance("counts up to the window edge, exclusive") { windows, _, scope, problems in
            let counts = try windows.record((0..<10).map { entry("v\($0)", scope, at: Double($0)) })
            expect(counts[9], ViolationWindowCount(isNew: true, count: 10, previousCount: 0), "10th", &problems)
            // v0 was recorded at 0: at exactly 900 s it has expired.
            let late = try windows.record([entry("v10", scope, at: 900)])[0]
            expect(late, ViolationWindowCount(isNew: true, count: 10, previousCount: 1), "at 900 s", &problems)
        },
        ViolationWindowConformance("a redelivered id counts once") { windows, _, scope, problems in
            _ = try windows.record([entry("a", scope, at: 0), entry("b", scope, at: 1)])
            let again = try windows.record([entry("a", scope, at: 2), entry("a", scope, at: 3)])
            expect(again[0], ViolationWindowCount(isNew: false, count: 2, previousCount: 0), "redelivery", &problems)
            expect(again[1], ViolationWindowCount(isNew: false, count: 2, previousCount: 0), "second redelivery", &problems)
        },
        ViolationWindowConformance("ids are remembered beyond the window") { windows, _, scope, problems in
            _ = try windows.record([entry("a", scope, at: 0, window: 0, severity: .critical)])
            let again = try windows.record([entry("a", scope, at: 600, window: 0, severity: .critical)])[0]
            expect(again, ViolationWindowCount(isNew: false, count: 0, previousCount: 0), "at once, 10 min later", &problems)
            let forgotten = try windows.record([entry("a", scope, at: 3601, window: 0, severity: .critical)])[0]
            expect(forgotten, ViolationWindowCount(isNew: true, count: 1, previousCount: 0), "after retention", &problems)
        },
        ViolationWindowConformance("series are separate per scope and severity") { windows, _, scope, problems in
            let counts = try windows.record([entry("a", scope, at: 0), entry("a", scope, at: 0, severity: .high),
                                             entry("a", scope + "-other", at: 0), entry("b", scope, at: 1, severity: nil)])
            for (index, count) in counts.enumerated() {
                expect(count, ViolationWindowCount(isNew: true, count: 1, previousCount: 0), "entry \(index)", &problems)
            }
        },
        ViolationWindowConformance("breaker compare-and-set") { _, breakers, scope, problems in
            let initial = try breakers.status(scope)
            if initial != .closed(scope) { problems.append("unwritten breaker reads \(initial)") }
            let open = BreakerStatus(scope: scope, phase: .open, reason: "r", percent: 0, sequence: 1, since: start)
            if try !breakers.compareAndSet(open, expected: 0) { problems.append("first CAS lost") }
            if try breakers.compareAndSet(open, expected: 0) { problems.append("stale CAS won") }
            let read = try breakers.status(scope)
            if read != open { problems.append("read back \(read), want \(open)") }
            if try !breakers.all().contains(open) { problems.append("all() misses the breaker") }
        },
        ViolationWindowConformance("quarantine and release") { _, breakers, scope, problems in
            let feature = "feature-\(scope)"
            if try !breakers.quarantine(feature: feature, reason: "leak", cause: "v1") { problems.append("first quarantine refused") }
            if try breakers.quarantine(feature: feature, reason: "again", cause: "v2") { problems.append("second quarantine accepted") }
            if try breakers.quarantineCause(feature: feature) != "v1" { problems.append("cause is not v1") }
            if try breakers.quarantined()[feature] != "leak" { problems.append("reason is not kept") }
            if try !breakers.release(feature: feature) { problems.append("release refused") }
            if try breakers.release(feature: feature) { problems.append("second release accepted") }
            if try breakers.quarantined()[feature] != nil { problems.append("still quarantined") }
        },
    ]
}
