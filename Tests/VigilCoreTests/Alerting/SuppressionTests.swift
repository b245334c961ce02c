import Foundation
import Testing
@testable import VigilCore

@Suite("Suppression windows")
struct SuppressionTests {
    @Test(arguments: [
        ("feature", MatchOperator.equal, "price", true), ("feature", .equal, "pric", false),
        ("feature", .notEqual, "price", false), ("feature", .notEqual, "volume", true),
        ("feature", .regex, "pri.*", true), ("feature", .regex, "ric", false), ("feature", .regex, "price|volume", true),
        ("feature", .notRegex, "pri.*", false), ("feature", .notRegex, "vol.*", true),
        ("missing", .equal, "", true), ("missing", .regex, ".+", false),
        ("severity", .equal, "MEDIUM", true), ("source", .regex, "p.t", true),
    ])
    func operators(name: String, op: MatchOperator, value: String, expected: Bool) throws {
        let matcher = try AlertMatcher(name: name, op: op, value: value)
        let alert = AlertStateMachine().raise(AlertFixtures.signal(), existing: nil, policy: AlertFixtures.policy(),
                                              suppressions: [], now: AlertFixtures.start).alert
        #expect(matcher.matches(alert.matchableFields) == expected, "\(name)\(op.rawValue)\(value)")
    }

    @Test func regexesAreAnchoredAtBothEnds() throws {
        let matcher = try AlertMatcher(name: "f", op: .regex, value: "price")
        #expect(matcher.matches(["f": "price"]))
        #expect(!matcher.matches(["f": "price_lag"]))
        #expect(!matcher.matches(["f": "old_price"]))
        #expect(!matcher.matches(["f": "price\n"]), "no match before a trailing newline")
        #expect(try AlertMatcher(name: "f", op: .regex, value: "a|b").matches(["f": "b"]), "alternation is grouped")
        #expect(!(try AlertMatcher(name: "f", op: .regex, value: "a|b").matches(["f": "ab"])))
    }

    @Test func anInvalidRegexIsRefusedAtCreation() {
        #expect(throws: AlertingError(field: "value", "invalid regular expression '(unclosed' for feature=~")) {
            try AlertMatcher(name: "feature", op: .regex, value: "(unclosed")
        }
        #expect(throws: AlertingError.self) { try AlertMatcher(name: "feature", op: .notRegex, value: "[z-a]") }
        #expect(throws: Never.self) { try AlertMatcher(name: "feature", op: .equal, value: "(unclosed") }
        #expect(throws: (any Error).self) {
            try JSONDecoder().decode(AlertMatcher.self, from: Data(#"{"name":"f","op":"=~","value":"("}"#.utf8))
        }
    }

    @Test func parsingTheCLIForm() throws {
        #expect(try AlertMatcher(parsing: "feature=~pri.*") == AlertMatcher(name: "feature", op: .regex, value: "pri.*"))
        #expect(try AlertMatcher(parsing: "feature!=price") == AlertMatcher(name: "feature", op: .notEqual, value: "price"))
        #expect(try AlertMatcher(parsing: "feature!~x") == AlertMatcher(name: "feature", op: .notRegex, value: "x"))
        #expect(try AlertMatcher(parsing: "scope=global") == AlertMatcher(name: "scope", op: .equal, value: "global"))
        #expect(throws: AlertingError.self) { try AlertMatcher(parsing: "nothing") }
    }

    @Test func startIsInclusiveAndEndExclusive() throws {
        let window = AlertFixtures.window([try AlertMatcher(name: "feature", op: .equal, value: "price")],
                                          from: AlertFixtures.start, to: AlertFixtures.start.addingTimeInterval(60))
        #expect(!window.isActive(at: AlertFixtures.start.addingTimeInterval(-0.001)))
        #expect(window.isActive(at: AlertFixtures.start))
        #expect(window.isActive(at: AlertFixtures.start.addingTimeInterval(59.999)))
        #expect(!window.isActive(at: AlertFixtures.start.addingTimeInterval(60)))
        #expect(window.state(at: AlertFixtures.start.addingTimeInterval(60)) == "expired")
        let matcher = try AlertMatcher(name: "a", op: .equal, value: "b")
        #expect(throws: AlertingError(field: "ends_at", "must be after starts_at")) {
            try AlertFixtures.window([matcher], from: AlertFixtures.start, to: AlertFixtures.start).validate()
        }
        #expect(throws: AlertingError(field: "matchers", "needs at least one matcher")) {
            try AlertFixtures.window([]).validate()
        }
    }

    @Test func aSuppressedAlertIsRecordedAndPublishedButNotDelivered() throws {
        let harness = AlertHarness(suppressions: [AlertFixtures.window([try AlertMatcher(name: "feature", op: .regex, value: "pri.*")])])
        try harness.raise(AlertFixtures.signal())
        let alert = try #require(harness.only)
        #expect(alert.status == .suppressed)
        #expect(alert.suppressionID == "s1")
        #expect(harness.events.map(\.subject) == ["vigil.events.alert.suppressed"])
        #expect(harness.notifier.calls.isEmpty)
        try harness.raise(AlertFixtures.signal(key: "pit:volume", labels: ["feature": "volume"]))
        #expect(harness.notifier.calls.count == 1, "a non-matching alert is delivered")
    }

    @Test func anExpiredWindowStopsApplyingOnTime() throws {
        let end = AlertFixtures.start.addingTimeInterval(600)
        let harness = AlertHarness(suppressions: [AlertFixtures.window([try AlertMatcher(name: "source", op: .equal, value: "pit")], to: end)])
        try harness.raise(AlertFixtures.signal())
        try harness.advance(599.999)
        #expect(harness.only?.status == .suppressed)
        #expect(harness.notifier.calls.isEmpty)
        try harness.advance(0.001)
        #expect(harness.only?.status == .open, "the window ended exactly now")
        #expect(harness.notifier.calls.map(\.kind) == [.opened])
        #expect(harness.store.transitions.map { "\($0.from?.rawValue ?? "-")>\($0.to.rawValue)" } == ["->suppressed", "suppressed>open"])
        #expect(harness.events.last?.subject == "vigil.events.alert.opened")
        try harness.advance(60)
        #expect(harness.only?.level == 2, "escalation starts when the window ends")
        harness.clock.advance(by: 5)
        try harness.raise(AlertFixtures.signal(key: "pit:other", at: harness.clock.now()))
        #expect(harness.store.alerts.filter { $0.status == .suppressed }.isEmpty, "new alerts are not suppressed after the end")
    }

    @Test func aWindowStartingLaterSuppressesTheNextEscalation() throws {
        let harness = AlertHarness(suppressions: [AlertFixtures.window([try AlertMatcher(name: "source", op: .equal, value: "pit")],
                                                                        from: AlertFixtures.start.addingTimeInterval(30))])
        try harness.raise(AlertFixtures.signal())
        #expect(harness.only?.status == .open)
        try harness.advance(60)
        #expect(harness.only?.status == .suppressed)
        #expect(harness.notifier.calls.map(\.kind) == [.opened], "the escalation is not delivered")
    }
}
