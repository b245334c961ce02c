import Foundation
import Testing
@testable import VigilCore

@Suite("In-memory decision windows")
struct WindowStoreTests {
    @Test("conformance", arguments: WindowStoreConformance.all)
    func conformance(_ scenario: WindowStoreConformance) throws {
        let problems = try scenario.run(InMemoryDecisionWindowStore(), portfolioID: "pf-\(scenario.name.hashValue)")
        #expect(problems.isEmpty, "\(scenario.name): \(problems.joined(separator: "; "))")
    }

    @Test func portfoliosHaveSeparateWindows() throws {
        let store = InMemoryDecisionWindowStore()
        let limit = WindowLimit.orderCount(policy: "risk", maximum: 1, window: 60)
        let order = Order(symbol: "AAPL", side: .buy, quantity: 1, price: 1)
        let at = Date(timeIntervalSince1970: 1_750_500_000)
        let results = try store.checkAndRecord([
            WindowCheck(decisionID: "a", portfolioID: "pf-1", at: at, orders: [order], limits: [limit]),
            WindowCheck(decisionID: "b", portfolioID: "pf-2", at: at, orders: [order], limits: [limit]),
        ])
        #expect(results == [[], []])
    }

    @Test func idleWindowsExpireAfterTheLongestWindow() throws {
        let store = InMemoryDecisionWindowStore()
        let hour = WindowLimit.orderCount(policy: "risk", maximum: 1, window: 3600)
        let second = WindowLimit.orderCount(policy: "risk", maximum: 1, window: 1)
        let order = Order(symbol: "AAPL", side: .buy, quantity: 1, price: 1)
        let at = Date(timeIntervalSince1970: 1_750_500_000)
        _ = try store.checkAndRecord([WindowCheck(decisionID: "a", portfolioID: "pf", at: at, orders: [order], limits: [hour])])
        // Two hours idle: everything (and the remembered hour-long horizon) is gone, as with PEXPIRE.
        let later = at.addingTimeInterval(7200)
        _ = try store.checkAndRecord([WindowCheck(decisionID: "b", portfolioID: "pf", at: later, orders: [order], limits: [second])])
        let results = try store.check([WindowCheck(decisionID: "c", portfolioID: "pf", at: later.addingTimeInterval(5), orders: [order],
                                                   limits: [hour])], record: false)
        #expect(results == [[]], "b is 5 s old but was trimmed by the 1 s horizon that replaced the expired one")
    }

    @Test func degenerateWindowsAndMaximaNeverTrap() {
        #expect(WindowArithmetic.windowMilliseconds(.nan) == 1)
        #expect(WindowArithmetic.windowMilliseconds(-5) == 1)
        #expect(WindowArithmetic.windowMilliseconds(.infinity) == WindowArithmetic.longestWindowMilliseconds)
        #expect(WindowArithmetic.windowMilliseconds(1e300) == WindowArithmetic.longestWindowMilliseconds)
        #expect(WindowArithmetic.windowMilliseconds(0.0015) == 2)
        #expect(WindowArithmetic.turnoverMaximum(.nan) == 0)
        #expect(WindowArithmetic.turnoverMaximum(.infinity) == .greatestFiniteMagnitude)
        #expect(WindowArithmetic.milliseconds(Date(timeIntervalSince1970: 1.0009)) == 1000)
    }
}
