import Foundation
import Testing
@testable import VigilCore

@Suite("RISK_LIMIT")
struct RiskLimitTests {
    /// NAV 1,000,000, cash 100,000: long 600,000 (A 300,000, B 200,000, C 100,000), short D 100,000.
    let state = Fixtures.state(cash: 100_000, positions: [
        Position(symbol: "A", quantity: 3000, price: 100),
        Position(symbol: "B", quantity: 2000, price: 100),
        Position(symbol: "C", quantity: 1000, price: 100),
        Position(symbol: "D", quantity: -1000, price: 100),
    ])

    private func risk(_ rules: [String: JSONValue], advisory: Bool = false) -> PolicyDefinition {
        RuleChecks.policy(.riskLimit, rules, advisory: advisory)
    }

    private func buy(_ symbol: String, _ quantity: Double, at price: Double = 100) -> Order {
        RuleChecks.order(.buy, symbol, quantity, at: price)
    }

    private func sell(_ symbol: String, _ quantity: Double, at price: Double = 100) -> Order {
        RuleChecks.order(.sell, symbol, quantity, at: price)
    }

    @Test func grossLeverageAtTheLimitIsCompliantOneUnitOverIsNot() throws {
        // Gross 700,000; limit 0.8 × NAV = 800,000 → 1000 units of E at 100.
        let policy = risk(["max_gross_leverage": .number(0.8)])
        #expect(RuleChecks.evaluate([buy("E", 1000)], state: state, policy).response.isCompliant)
        let over = RuleChecks.evaluate([buy("E", 1001)], state: state, policy)
        let violation = try #require(over.response.violations.first)
        #expect(violation.violationType == "MAX_GROSS_LEVERAGE")
        #expect(violation.description.contains("0.8001x"))
        #expect(violation.description.contains("0.8x"))
        #expect(RuleChecks.suggested(over)[0] == 1000)
    }

    @Test func grossLeverageAdjustmentCrossesZeroExactly() {
        // Selling A through zero: exposure falls to 0 at 3000 units, then rises again; gross limit
        // 0.8 leaves 400,000 for A, so A may end 4000 short: 7000 units sold.
        let policy = risk(["max_gross_leverage": .number(0.8)])
        let verdict = RuleChecks.evaluate([sell("A", 9000)], state: state, policy)
        #expect(RuleChecks.suggested(verdict)[0] == 7000)
        RuleChecks.expectAdjustmentIsLargestCompliant([sell("A", 9000)], state: state, policy, order: 0)
    }

    @Test func netExposureBoundaryAndShortsReduceIt() {
        // Net 500,000; limit 0.6 → 100,000 more long.
        let policy = risk(["max_net_exposure": .number(0.6)])
        #expect(RuleChecks.evaluate([buy("E", 1000)], state: state, policy).response.isCompliant)
        #expect(!RuleChecks.evaluate([buy("E", 1001)], state: state, policy).response.isCompliant)
        #expect(RuleChecks.evaluate([buy("E", 5000), sell("F", 4000)], state: state, policy).response.isCompliant)
        RuleChecks.expectAdjustmentIsLargestCompliant([buy("E", 5000)], state: state, policy, order: 0)
    }

    @Test func minimumCashBoundaryAndSalesAreNeverBlocked() throws {
        // Cash 100,000; minimum 5% of NAV = 50,000 → may spend 50,000.
        let policy = risk(["min_cash_weight": .number(0.05)])
        #expect(RuleChecks.evaluate([buy("E", 500)], state: state, policy).response.isCompliant)
        let over = RuleChecks.evaluate([buy("E", 501)], state: state, policy)
        let violation = try #require(over.response.violations.first)
        #expect(violation.violationType == "MIN_CASH_WEIGHT")
        #expect(violation.description.contains("49900"))
        #expect(violation.description.contains("5%"))
        #expect(RuleChecks.suggested(over)[0] == 500)
        let poor = Fixtures.state(cash: 10_000)
        #expect(RuleChecks.evaluate([sell("A", 10)], state: poor, policy).response.isCompliant)
        #expect(RuleChecks.suggested(RuleChecks.evaluate([buy("E", 1)], state: poor, policy))[0] == 0)
    }

    @Test func minimumCashOfZeroForbidsBorrowing() {
        let policy = risk(["min_cash_weight": .number(0)])
        #expect(RuleChecks.evaluate([buy("E", 1000)], state: state, policy).response.isCompliant)
        #expect(!RuleChecks.evaluate([buy("E", 1001)], state: state, policy).response.isCompliant)
    }

    @Test func topNConcentrationBoundary() throws {
        // Top 2 of |values|: A 300,000 + B 200,000 = 50%. Limit 55% → B may grow by 50,000.
        let policy = risk(["max_top_n_concentration": .number(0.55), "top_n": .number(2)])
        #expect(RuleChecks.evaluate([buy("B", 500)], state: state, policy).response.isCompliant)
        let over = RuleChecks.evaluate([buy("B", 501)], state: state, policy)
        let violation = try #require(over.response.violations.first)
        #expect(violation.violationType == "MAX_TOP_N_CONCENTRATION")
        #expect(violation.description.contains("550100"))
        #expect(RuleChecks.suggested(over)[0] == 500)
        RuleChecks.expectAdjustmentIsLargestCompliant([buy("B", 8000, at: 37)], state: state, policy, order: 0)
    }

    @Test func decisionThatDoesNotWorsenAMeasureIsNeverBlocked() {
        // Gross is already 70% against a 50% limit: trimming is allowed, adding is not.
        let policy = risk(["max_gross_leverage": .number(0.5)])
        #expect(RuleChecks.evaluate([sell("A", 100)], state: state, policy).response.isCompliant)
        #expect(!RuleChecks.evaluate([buy("A", 1)], state: state, policy).response.isCompliant)
    }

    @Test func scaleFactorSatisfiesEveryLimitOfTheDecision() {
        let policy = risk(["max_gross_leverage": .number(0.8), "max_net_exposure": .number(0.6), "min_cash_weight": .number(0.05)])
        let orders = [buy("E", 1000, at: 80), buy("F", 300, at: 120), sell("G", 50, at: 10)]
        RuleChecks.expectScaleIsLargestCompliant(orders, state: state, policy)
    }

    @Test func scaleFactorForConcentrationIsFoundByBisection() {
        let policy = risk(["max_top_n_concentration": .number(0.55), "top_n": .number(2)])
        RuleChecks.expectScaleIsLargestCompliant([buy("B", 700), buy("C", 900)], state: state, policy)
    }

    @Test func windowedLimitsAreDeclaredForTheStore() throws {
        let policy = risk(["max_orders_per_window": .number(10), "max_turnover_per_window": .number(5e6), "window_seconds": .number(60)])
        let compiled = try CompiledPolicy(policy)
        #expect(compiled.windowLimits == [.orderCount(policy: "risk_limit", maximum: 10, window: 60),
                                          .turnover(policy: "risk_limit", maximum: 5e6, window: 60)])
        // Purely windowed: nothing to judge without the store.
        #expect(RuleChecks.evaluate([buy("E", 1e6)], state: state, policy).response.isCompliant)
    }

    @Test func advisoryRiskViolationDoesNotBlock() {
        let verdict = RuleChecks.evaluate([buy("E", 5000)], state: state, risk(["max_gross_leverage": .number(0.8)], advisory: true))
        #expect(verdict.response.isCompliant)
        #expect(verdict.response.violations.count == 1)
        #expect(verdict.decisionScale == 1)
    }

    @Test func severityOverrideApplies() {
        let verdict = RuleChecks.evaluate([buy("E", 5000)], state: state, risk(["max_gross_leverage": .number(0.8), "severity": .string("P0")]))
        #expect(verdict.response.violations.first?.severity == .critical)
    }
}
