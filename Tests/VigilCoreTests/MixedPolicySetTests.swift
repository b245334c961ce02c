import Foundation
import Testing
@testable import VigilCore

/// Ten policies of all five types, the shape the in-process benchmark measures.
enum MixedPolicies {
    static let definitions: [PolicyDefinition] = [
        RuleChecks.policy(.positionLimit, ["max_position_weight": .number(0.1)], name: "position_weight"),
        RuleChecks.policy(.positionLimit, ["max_order_value": .number(250_000)], name: "order_value"),
        RuleChecks.policy(.sectorLimit, ["max_sector_weight": .number(0.3), "sector_limits": .object(["Energy": .number(0.1)])], name: "sectors"),
        RuleChecks.policy(.riskLimit, ["max_gross_leverage": .number(1.5), "max_net_exposure": .number(1)], name: "leverage"),
        RuleChecks.policy(.riskLimit, ["min_cash_weight": .number(0.02)], name: "cash"),
        RuleChecks.policy(.riskLimit, ["max_top_n_concentration": .number(0.4), "top_n": .number(3)], name: "concentration"),
        RuleChecks.policy(.regulatory, ["restricted_symbols": .array([.string("GME")]), "short_selling_ban": .bool(true)], name: "regulation"),
        RuleChecks.policy(.regulatory, ["wash_trade_window_seconds": .number(30)], name: "wash_trades"),
        RuleChecks.policy(.investmentMandate, ["allowed_asset_classes": .array([.string("EQUITY")]), "excluded_countries": .array([.string("RU")])], name: "mandate"),
        RuleChecks.policy(.investmentMandate, ["long_only": .bool(true)], name: "long_only", advisory: true),
    ]

    static let state = Fixtures.state(cash: 300_000, positions: [
        Position(symbol: "AAPL", quantity: 300, price: 200, sector: "Technology", assetClass: "EQUITY", country: "US"),
        Position(symbol: "JPM", quantity: 400, price: 150, sector: "Financials", assetClass: "EQUITY", country: "US"),
        Position(symbol: "XOM", quantity: 200, price: 100, sector: "Energy", assetClass: "EQUITY", country: "US"),
    ])

    static let orders = [
        RuleChecks.order(.buy, "MSFT", 100, at: 400),
        RuleChecks.order(.sell, "JPM", 100, at: 150, sector: "Financials"),
        RuleChecks.order(.buy, "XOM", 50, at: 100, sector: "Energy"),
    ]
}

@Suite("All five policy types together")
struct MixedPolicySetTests {
    @Test func tenPoliciesOfFiveTypesEvaluateAThreeOrderDecision() {
        let set = PolicySet(definitions: MixedPolicies.definitions)
        #expect(set.rejected.isEmpty, "\(set.rejected)")
        #expect(Set(set.policies.map(\.definition.policyType)) == Set(PolicyType.allCases))
        let verdict = PolicyEvaluator().evaluate(Fixtures.decision(MixedPolicies.orders), state: MixedPolicies.state,
                                                 policies: set.policies)
        #expect(verdict.response.isCompliant, "\(verdict.response.violations.map(\.description))")
        #expect(verdict.policiesChecked.count == 10)
        #expect(verdict.response.complianceScore == 1)
    }

    @Test func violationsFromSeveralTypesAreAllReportedAndScored() {
        var orders = MixedPolicies.orders
        orders[2].quantity = 2000  // Energy 220,000 = 22% > 10%; XOM 22% > 10% position weight
        orders.append(RuleChecks.order(.buy, "GME", 1, at: 20))
        let verdict = RuleChecks.evaluate(orders, state: MixedPolicies.state, MixedPolicies.definitions)
        #expect(!verdict.response.isCompliant)
        let violated = Set(verdict.response.violations.map(\.policyName))
        #expect(violated == ["position_weight", "sectors", "regulation"])
        // Two HIGH (0.75) and one CRITICAL (1) out of ten: 1 − 2.5 / 10.
        #expect(verdict.response.complianceScore == 0.75)
        let fixed = RuleChecks.adjusted(orders, verdict)
        #expect(RuleChecks.evaluate(fixed, state: MixedPolicies.state, MixedPolicies.definitions).response.isCompliant)
    }

    @Test func degenerateDecisionsNeverCrashTheEngine() {
        // Input validation rejects these before evaluation; the engine must stay total anyway.
        var nan = MixedPolicies.orders
        nan[0].quantity = .nan
        nan[1].price = .infinity
        for orders in [[], nan, [RuleChecks.order(.sell, "NEW", 1e300, at: 1e300, sector: nil, assetClass: nil, country: nil)]] {
            let verdict = RuleChecks.evaluate(orders, state: MixedPolicies.state, MixedPolicies.definitions)
            #expect(verdict.policiesChecked.count == 10)
        }
    }
}
