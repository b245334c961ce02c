import Foundation
import Testing
@testable import VigilCore

@Suite("Rule compilation (sector, risk, regulatory, mandate)")
struct RuleCompilationTests {
    private func rejection(_ type: PolicyType, _ rules: [String: JSONValue]) -> PolicyError? {
        PolicySet(definitions: [RuleChecks.policy(type, rules)]).rejected.first
    }

    @Test(arguments: [
        (PolicyType.sectorLimit, "max_sector_wieght"),
        (.riskLimit, "max_leverage"),
        (.regulatory, "restricted"),
        (.investmentMandate, "long_ony"),
    ])
    func unknownKeyIsRejectedByName(type: PolicyType, key: String) throws {
        let valid: [PolicyType: [String: JSONValue]] = [
            .sectorLimit: ["max_sector_weight": .number(0.2)], .riskLimit: ["max_gross_leverage": .number(2)],
            .regulatory: ["short_selling_ban": .bool(true)], .investmentMandate: ["long_only": .bool(true)],
        ]
        var rules = try #require(valid[type])
        rules[key] = .number(1)
        let error = try #require(rejection(type, rules))
        #expect(error.field == key)
        #expect(error.description.contains("is not a known rule"))
    }

    @Test(arguments: [
        (PolicyType.sectorLimit, ["max_sector_weight": JSONValue.number(1.5)], "max_sector_weight"),
        (.sectorLimit, ["sector_limits": .object(["Energy": .number(0)])], "sector_limits.Energy"),
        (.sectorLimit, ["sector_limits": .array([])], "sector_limits"),
        (.sectorLimit, ["max_sector_weight": .number(0.2), "sectors": .string("Energy")], "sectors"),
        (.riskLimit, ["max_gross_leverage": .number(-1)], "max_gross_leverage"),
        (.riskLimit, ["min_cash_weight": .number(1.2)], "min_cash_weight"),
        (.riskLimit, ["max_top_n_concentration": .number(0.5)], "top_n"),
        (.riskLimit, ["max_top_n_concentration": .number(0.5), "top_n": .number(2.5)], "top_n"),
        (.riskLimit, ["max_gross_leverage": .number(2), "top_n": .number(3)], "top_n"),
        (.riskLimit, ["max_orders_per_window": .number(10)], "window_seconds"),
        (.riskLimit, ["max_gross_leverage": .number(2), "window_seconds": .number(60)], "window_seconds"),
        (.riskLimit, ["max_orders_per_window": .number(0), "window_seconds": .number(60)], "max_orders_per_window"),
        (.riskLimit, ["max_gross_leverage": .number(2), "severity": .string("URGENT")], "severity"),
        (.regulatory, ["short_selling_ban": .string("yes")], "short_selling_ban"),
        (.regulatory, ["restricted_symbols": .string("GME")], "restricted_symbols"),
        (.regulatory, ["wash_trade_window_seconds": .number(0)], "wash_trade_window_seconds"),
        (.regulatory, ["short_selling_ban": .bool(false)], "policy_rules"),
        (.investmentMandate, ["allowed_asset_classes": .array([])], "allowed_asset_classes"),
        (.investmentMandate, ["excluded_countries": .array([.number(1)])], "excluded_countries"),
        (.investmentMandate, ["long_only": .bool(false)], "policy_rules"),
    ])
    func invalidValueIsRejectedNamingTheKey(type: PolicyType, rules: [String: JSONValue], field: String) throws {
        let error = try #require(rejection(type, rules), "expected \(rules) to be rejected")
        #expect(error.field == field, "\(error)")
        #expect(error.description.contains(field))
    }

    @Test("empty entries of a stored scope are left out; a scope of nothing but empty entries is refused")
    func emptyScopeEntries() throws {
        let rules: JSONValue = .object(["max_position_weight": .number(0.1)])
        let mixed = PolicySet(definitions: [PolicyDefinition(policyName: "mixed", policyType: .positionLimit, rules: rules,
                                                            portfolioIDs: ["p-1", ""])])
        #expect(mixed.rejected.isEmpty)
        #expect(mixed.applicable(to: "p-1", names: nil).map(\.definition.policyName) == ["mixed"])
        #expect(mixed.applicable(to: "", names: nil).isEmpty)
        let empty = PolicySet(definitions: [PolicyDefinition(policyName: "nowhere", policyType: .positionLimit, rules: rules,
                                                            portfolioIDs: [""])])
        #expect(empty.rejected.first?.field == "portfolio_ids")
        let unscoped = PolicySet(definitions: [PolicyDefinition(policyName: "all", policyType: .positionLimit, rules: rules, portfolioIDs: [])])
        #expect(unscoped.rejected.isEmpty)
        // A name stored before names were checked for control characters still loads.
        #expect(PolicySet(definitions: [PolicyDefinition(policyName: "multi\n", policyType: .positionLimit, rules: rules)]).rejected.isEmpty)
    }

    @Test func invalidPolicyIsLeftOutWholeWhileValidOnesLoad() {
        let set = PolicySet(definitions: [
            RuleChecks.policy(.sectorLimit, ["max_sector_weight": .number(0.2)], name: "good"),
            RuleChecks.policy(.riskLimit, ["max_gross_leverage": .number(2), "max_net_exposure": .string("high")], name: "bad"),
        ])
        #expect(set.policies.map(\.definition.policyName) == ["good"])
        #expect(set.rejected.map(\.policyName) == ["bad"])
        #expect(set.rejected.first?.field == "max_net_exposure")
    }
}
