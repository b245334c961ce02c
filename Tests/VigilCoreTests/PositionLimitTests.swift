import Foundation
import Testing
@testable import VigilCore

@Suite("POSITION_LIMIT")
struct PositionLimitTests {
    let evaluator = PolicyEvaluator()

    private func verdict(_ orders: [Order], state: PortfolioState = Fixtures.state(),
                         _ rules: [String: JSONValue], advisory: Bool = false) -> PolicyEvaluator.Verdict {
        evaluator.evaluate(Fixtures.decision(orders), state: state,
                           policies: Fixtures.compiled(Fixtures.positionLimit(rules, advisory: advisory)))
    }

    @Test func exactlyAtTheWeightLimitIsCompliant() {
        // 10% of 1,000,000 at 200 = 500 units.
        let result = verdict([Fixtures.buy("AAPL", 500, at: 200)], ["max_position_weight": .number(0.1)])
        #expect(result.response.isCompliant)
        #expect(result.response.violations.isEmpty)
        #expect(result.response.complianceScore == 1)
    }

    @Test func oneUnitOverTheWeightLimitIsAViolationWithTheLargestCompliantQuantity() throws {
        let result = verdict([Fixtures.buy("AAPL", 501, at: 200)], ["max_position_weight": .number(0.1)])
        #expect(!result.response.isCompliant)
        let violation = try #require(result.response.violations.first)
        #expect(violation.violationType == "MAX_POSITION_WEIGHT")
        #expect(violation.severity == .high)
        #expect(violation.description.contains("501"))
        #expect(violation.description.contains("10%"))
        #expect(violation.suggestedAdjustment?.objectValue?["max_compliant_quantity"] == .number(500))
        #expect(result.response.recommendations.first?.contains("from 501 to 500") == true)
    }

    @Test func existingPositionCountsTowardsTheLimit() throws {
        let state = Fixtures.state(positions: [Position(symbol: "AAPL", quantity: 300, price: 190)])
        let result = verdict([Fixtures.buy("AAPL", 300, at: 200)], state: state, ["max_position_weight": .number(0.1)])
        let adjustment = try #require(result.response.violations.first?.suggestedAdjustment?.objectValue)
        #expect(adjustment["max_compliant_quantity"] == .number(200))
    }

    @Test func riskReducingTradeIsNeverBlocked() {
        let state = Fixtures.state(positions: [Position(symbol: "AAPL", quantity: 2000, price: 200)])
        let result = verdict([Fixtures.sell("AAPL", 100, at: 200)], state: state, ["max_position_weight": .number(0.1)])
        #expect(result.response.isCompliant)
    }

    @Test func shortBeyondTheLimitIsAViolation() throws {
        let result = verdict([Fixtures.sell("AAPL", 600, at: 200)], ["max_position_weight": .number(0.1)])
        #expect(!result.response.isCompliant)
        #expect(result.response.violations.first?.suggestedAdjustment?.objectValue?["max_compliant_quantity"] == .number(500))
    }

    @Test func orderValueAndQuantityLimitsApplyPerOrder() {
        let result = verdict([Fixtures.buy("AAPL", 100, at: 200), Fixtures.buy("MSFT", 60, at: 100)],
                             ["max_order_value": .number(10_000), "max_order_quantity": .number(50)])
        let types = result.response.violations.map(\.violationType)
        #expect(types == ["MAX_ORDER_QUANTITY", "MAX_ORDER_VALUE", "MAX_ORDER_QUANTITY"])
        #expect(result.response.violations[1].suggestedAdjustment?.objectValue?["max_compliant_quantity"] == .number(50))
    }

    @Test func symbolFilterLimitsTheRuleToThoseSymbols() {
        let rules: [String: JSONValue] = ["max_position_quantity": .number(10), "symbols": .array([.string("MSFT")])]
        #expect(verdict([Fixtures.buy("AAPL", 100, at: 1)], rules).response.isCompliant)
        #expect(!verdict([Fixtures.buy("MSFT", 100, at: 1)], rules).response.isCompliant)
    }

    @Test func advisoryViolationIsReportedButDoesNotBlock() {
        let result = verdict([Fixtures.buy("AAPL", 1000, at: 200)], ["max_position_weight": .number(0.1)], advisory: true)
        #expect(result.response.isCompliant)
        #expect(result.response.violations.count == 1)
        #expect(result.response.violations[0].advisory)
        #expect(result.response.complianceScore == 0.25)
    }

    @Test func scaleFactorMakesEveryLimitHoldAtOnce() throws {
        // AAPL: 1000 @ 200 vs cap 500 → 0.5; MSFT: 300 @ 100 with max value 20,000 → 200 → 0.6667.
        let result = verdict([Fixtures.buy("AAPL", 1000, at: 200), Fixtures.buy("MSFT", 300, at: 100)],
                             ["max_position_weight": .number(0.1), "max_position_value": .number(20_000)])
        #expect(result.decisionScale == 0.1)
        // The value cap binds AAPL: 20,000 / 200 = 100 units out of 1000.
        let aapl = try #require(result.response.violations.first { $0.suggestedAdjustment?.objectValue?["symbol"] == .string("AAPL") })
        #expect(aapl.violationType == "MAX_POSITION_VALUE")
        #expect(aapl.suggestedAdjustment?.objectValue?["decision_scale_factor"] == .number(0.1))
        #expect(result.response.recommendations.last?.contains("scale every order by 0.1") == true)
    }

    @Test func fractionalQuantitiesAreFlooredToEightDecimals() {
        let result = verdict([Fixtures.buy("BTC", 2.5, at: 30_000)], ["max_position_value": .number(50_000)])
        #expect(result.response.violations.first?.suggestedAdjustment?.objectValue?["max_compliant_quantity"] == .number(1.66666666))
    }

    @Test func scoreWeighsWorstSeverityPerViolatedPolicy() {
        #expect(ComplianceScore.score(penalty: 0, policiesChecked: 0) == 1)
        #expect(ComplianceScore.score(penalty: 0.75, policiesChecked: 3) == 0.75)
        #expect(ComplianceScore.score(penalty: 5, policiesChecked: 2) == 0)
    }
}

@Suite("Policy compilation")
struct PolicyCompilationTests {
    private func rejection(_ rules: JSONValue, type: PolicyType = .positionLimit) -> PolicyError? {
        PolicySet(definitions: [PolicyDefinition(policyName: "p", policyType: type, rules: rules)]).rejected.first
    }

    @Test func unknownKeyIsRejectedByName() {
        #expect(rejection(.object(["max_postion_weight": .number(0.1)]))?.field == "max_postion_weight")
    }

    @Test func weightAboveOneIsRejected() {
        #expect(rejection(.object(["max_position_weight": .number(1.5)]))?.field == "max_position_weight")
    }

    @Test func negativeLimitIsRejected() {
        #expect(rejection(.object(["max_order_value": .number(-1)]))?.field == "max_order_value")
    }

    @Test func policyWithoutAnyLimitIsRejected() {
        #expect(rejection(.object([:]))?.field == "policy_rules")
    }

    @Test func nonObjectRulesAreRejected() {
        #expect(rejection(.array([]))?.field == "policy_rules")
    }

    @Test func everyTypeWithoutAnyLimitIsRejectedNotIgnored() {
        for type in PolicyType.allCases {
            #expect(rejection(.object([:]), type: type)?.field == "policy_rules", "\(type)")
        }
    }

    @Test func scopeAndEnablementSelectPolicies() {
        let set = PolicySet(definitions: [
            Fixtures.positionLimit(["max_position_quantity": .number(1)], name: "a", portfolios: ["pf-2"]),
            Fixtures.positionLimit(["max_position_quantity": .number(1)], name: "b"),
            PolicyDefinition(policyName: "c", policyType: .positionLimit, rules: .object(["max_position_quantity": .number(1)]), enabled: false),
        ])
        #expect(set.applicable(to: "pf-1", names: nil).map(\.definition.policyName) == ["b"])
        #expect(set.applicable(to: "pf-2", names: nil).map(\.definition.policyName) == ["a", "b"])
        #expect(set.applicable(to: "pf-2", names: ["a"]).map(\.definition.policyName) == ["a"])
    }
}
