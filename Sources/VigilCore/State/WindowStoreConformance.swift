import Foundation
import Synchronization

/// Scenarios every ``DecisionWindowStore`` must pass, run by the tests against the in-memory store
/// and against Redis, so the two cannot drift apart. Each returns the problems it found (empty
/// when the store behaves); each needs a portfolio id no other run uses.
public struct WindowStoreConformance: Sendable, CustomStringConvertible {
    /// The scenario's name, shown by the test runner.
    public let name: String
    private let body: @Sendable (any DecisionWindowStore, String) throws -> [String]

    /// The scenario's name.
    public var description: String { name }

    /// Runs the scenario on `store` with portfolio `portfolioID`; returns what went wrong.
    public func run(_ store: any DecisionWindowStore, portfolioID: String) throws -> [String] {
        try body(store, portfolioID)
    }

    init(_ name: String, _ body: @escaping @Sendable (Script) throws -> Void) {
        self.name = name
        self.body = { store, portfolio in
            let script = Script(store: store, portfolio: portfolio)
            try body(script)
            return script.problems.value
        }
    }

    /// A scenario's helpers: build decisions at offsets from a fixed start, check, expect.
    final class Script: Sendable {
        let store: any DecisionWindowStore
        let portfolio: String
        let problems = Problems()
        static let start = Date(timeIntervalSince1970: 1_750_500_000)

        init(store: any DecisionWindowStore, portfolio: String) {
            self.store = store
            self.portfolio = portfolio
        }

        func order(_ symbol: String = "AAPL", _ side: OrderSide = .buy, quantity: Double = 1, price: Double = 100) -> Order {
            Order(symbol: symbol, side: side, quantity: quantity, price: price)
        }

        func decision(_ id: String, at seconds: Double, _ orders: [Order], _ limits: [WindowLimit],
                      advisory: Set<String> = []) -> WindowCheck {
            WindowCheck(decisionID: id, portfolioID: portfolio, at: Self.start.addingTimeInterval(seconds), orders: orders,
                        limits: limits, advisoryPolicies: advisory)
        }

        /// Checks (and records) one decision; returns its breaches.
        @discardableResult
        func check(_ check: WindowCheck, record: Bool = true) throws -> [WindowBreach] {
            let results = try store.check([check], record: record)
            guard results.count == 1 else {
                problems.add("\(check.decisionID): expected 1 result, got \(results.count)")
                return []
            }
            return results[0]
        }

        /// Records a problem unless `breaches` is what was expected.
        func expect(_ breaches: [WindowBreach], _ expected: [WindowBreach], _ what: String) {
            if breaches != expected { problems.add("\(what): expected \(expected), got \(breaches)") }
        }
    }

    /// Problems found so far (the scenario body is synchronous; the lock keeps it Sendable).
    final class Problems: Sendable {
        private let list = Mutex<[String]>([])
        var value: [String] { list.withLock { $0 } }
        func add(_ problem: String) { list.withLock { $0.append(problem) } }
    }
}
