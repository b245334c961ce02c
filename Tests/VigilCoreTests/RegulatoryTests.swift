import Foundation
import Testing
@testable import VigilCore

@Suite("REGULATORY")
struct RegulatoryTests {
    let state = Fixtures.state(positions: [Position(symbol: "AAPL", quantity: 100, price: 200)])

    private func regulatory(_ rules: [String: JSONValue], advisory: Bool = false) -> PolicyDefinition {
        RuleChecks.policy(.regulatory, rules, advisory: advisory)
    }

    private func order(_ side: OrderSide, _ symbol: String, _ quantity: Double) -> Order {
        RuleChecks.order(side, symbol, quantity, at: 200)
    }

    @Test func restrictedSymbolIsCriticalWithNothingAllowed() throws {
        let policy = regulatory(["restricted_symbols": .array([.string("GME")])])
        #expect(RuleChecks.evaluate([order(.buy, "AAPL", 1)], state: state, policy).response.isCompliant)
        let verdict = RuleChecks.evaluate([order(.buy, "AAPL", 1), order(.sell, "GME", 1)], state: state, policy)
        #expect(!verdict.response.isCompliant)
        let violation = try #require(verdict.response.violations.first)
        #expect(violation.violationType == "RESTRICTED_SYMBOL")
        #expect(violation.severity == .critical)
        #expect(violation.description.contains("GME"))
        #expect(RuleChecks.suggested(verdict) == [1: 0])
        #expect(verdict.response.recommendations.first?.contains("Remove SELL GME") == true)
    }

    @Test func severityOverrideReplacesTheCriticalDefault() {
        let policy = regulatory(["restricted_symbols": .array([.string("GME")]), "severity": .string("LOW")])
        #expect(RuleChecks.evaluate([order(.buy, "GME", 1)], state: state, policy).response.violations.first?.severity == .low)
    }

    @Test func shortSaleBanAllowsSellingExactlyTheHolding() throws {
        let policy = regulatory(["short_selling_ban": .bool(true)])
        #expect(RuleChecks.evaluate([order(.sell, "AAPL", 100)], state: state, policy).response.isCompliant)
        let verdict = RuleChecks.evaluate([order(.sell, "AAPL", 101)], state: state, policy)
        let violation = try #require(verdict.response.violations.first)
        #expect(violation.violationType == "SHORT_SALE")
        #expect(violation.severity == .critical)
        #expect(violation.description.contains("from 100 to -1"))
        #expect(RuleChecks.suggested(verdict)[0] == 100)
    }

    @Test func shortSaleCountsEarlierOrdersOfTheDecision() {
        let policy = regulatory(["short_selling_ban": .bool(true)])
        let orders = [order(.sell, "AAPL", 60), order(.buy, "MSFT", 5), order(.sell, "AAPL", 60)]
        let verdict = RuleChecks.evaluate(orders, state: state, policy)
        #expect(RuleChecks.suggested(verdict) == [2: 40])
        RuleChecks.expectAdjustmentIsLargestCompliant(orders, state: state, policy, order: 2)
        RuleChecks.expectScaleIsLargestCompliant(orders, state: state, policy)
    }

    @Test func sellingWithoutAHoldingIsAShortSale() {
        let policy = regulatory(["short_selling_ban": .bool(true)])
        let verdict = RuleChecks.evaluate([order(.sell, "TSLA", 1)], state: state, policy)
        #expect(!verdict.response.isCompliant)
        #expect(RuleChecks.suggested(verdict) == [0: 0])
    }

    @Test func shortSaleBanOffAllowsShorts() {
        let policy = regulatory(["short_selling_ban": .bool(false), "restricted_symbols": .array([.string("GME")])])
        #expect(RuleChecks.evaluate([order(.sell, "TSLA", 1)], state: state, policy).response.isCompliant)
    }

    @Test func bothSidesOfASymbolInOneDecisionIsAWashTrade() throws {
        let policy = regulatory(["wash_trade_window_seconds": .number(30)])
        let verdict = RuleChecks.evaluate([order(.buy, "AAPL", 10), order(.buy, "MSFT", 1), order(.sell, "AAPL", 5)],
                                          state: state, policy)
        #expect(!verdict.response.isCompliant)
        let violation = try #require(verdict.response.violations.first)
        #expect(violation.violationType == "WASH_TRADE")
        #expect(violation.severity == .high)
        #expect(violation.description.contains("30 s"))
        #expect(RuleChecks.suggested(verdict) == [2: 0])
        #expect(RuleChecks.evaluate([order(.buy, "AAPL", 10), order(.buy, "AAPL", 5)], state: state, policy).response.isCompliant)
    }

    @Test func washTradeWindowIsDeclaredForTheStore() throws {
        let compiled = try CompiledPolicy(regulatory(["wash_trade_window_seconds": .number(30)]))
        #expect(compiled.windowLimits == [.washTrade(policy: "regulatory", window: 30)])
        let noWindow = try CompiledPolicy(regulatory(["short_selling_ban": .bool(true)]))
        #expect(noWindow.windowLimits.isEmpty)
    }

    @Test func advisoryRegulatoryViolationDoesNotBlock() {
        let policy = regulatory(["restricted_symbols": .array([.string("GME")])], advisory: true)
        let verdict = RuleChecks.evaluate([order(.buy, "GME", 1)], state: state, policy)
        #expect(verdict.response.isCompliant)
        #expect(verdict.response.complianceScore == 0)
    }
}
