import Foundation
import Testing
@testable import VigilCore

/// Evaluation and re-evaluation helpers for the rule tests: a suggested adjustment is only right if
/// the adjusted decision passes, so the tests apply it and evaluate again.
enum RuleChecks {
    static func policy(_ type: PolicyType, _ rules: [String: JSONValue], name: String? = nil,
                       advisory: Bool = false) -> PolicyDefinition {
        PolicyDefinition(policyName: name ?? type.rawValue.lowercased(), policyType: type, rules: .object(rules),
                         enforcementLevel: advisory ? .advisory : .strict)
    }

    static func evaluate(_ orders: [Order], state: PortfolioState = Fixtures.state(),
                         _ definitions: PolicyDefinition...) -> PolicyEvaluator.Verdict {
        evaluate(orders, state: state, definitions)
    }

    static func evaluate(_ orders: [Order], state: PortfolioState, _ definitions: [PolicyDefinition]) -> PolicyEvaluator.Verdict {
        let set = PolicySet(definitions: definitions)
        #expect(set.rejected.isEmpty, "fixture policies must compile: \(set.rejected)")
        return PolicyEvaluator().evaluate(Fixtures.decision(orders), state: state, policies: set.policies)
    }

    /// The suggested quantity of each violation, by order index (the smallest when several).
    static func suggested(_ verdict: PolicyEvaluator.Verdict) -> [Int: Double] {
        var out: [Int: Double] = [:]
        for violation in verdict.response.violations {
            guard let members = violation.suggestedAdjustment?.objectValue,
                  let index = members["order_index"]?.numberValue,
                  let quantity = members["max_compliant_quantity"]?.numberValue else { continue }
            out[Int(index)] = min(out[Int(index)] ?? .infinity, quantity)
        }
        return out
    }

    /// The orders with every suggested quantity applied (an order suggested at 0 is dropped).
    static func adjusted(_ orders: [Order], _ verdict: PolicyEvaluator.Verdict) -> [Order] {
        let suggestions = suggested(verdict)
        return orders.enumerated().compactMap { index, order in
            var order = order
            if let quantity = suggestions[index] { order.quantity = quantity }
            return order.quantity > 0 ? order : nil
        }
    }

    /// The orders scaled by the verdict's decision scale factor.
    static func scaled(_ orders: [Order], _ verdict: PolicyEvaluator.Verdict) -> [Order] {
        orders.compactMap { order in
            var order = order
            order.quantity *= verdict.decisionScale
            return order.quantity > 0 ? order : nil
        }
    }

    /// Re-evaluates with the suggested quantities: the result must be compliant, and one more unit on
    /// the adjusted order must not be (the suggestion is the largest, not just a compliant one).
    static func expectAdjustmentIsLargestCompliant(_ orders: [Order], state: PortfolioState = Fixtures.state(),
                                                    _ definitions: PolicyDefinition..., order index: Int,
                                                    sourceLocation: SourceLocation = #_sourceLocation) {
        let verdict = evaluate(orders, state: state, definitions)
        #expect(!verdict.response.isCompliant, "the original decision must be a violation", sourceLocation: sourceLocation)
        let fixed = adjusted(orders, verdict)
        let again = evaluate(fixed, state: state, definitions)
        #expect(again.response.isCompliant, "adjusted decision still violates: \(again.response.violations.map(\.description))",
                sourceLocation: sourceLocation)
        guard let quantity = suggested(verdict)[index] else {
            Issue.record("order \(index) got no suggestion", sourceLocation: sourceLocation)
            return
        }
        var plusOne = orders
        plusOne[index].quantity = quantity + 1
        let over = evaluate(plusOne.filter { $0.quantity > 0 }, state: state, definitions)
        #expect(!over.response.isCompliant, "one unit more than the suggestion (\(quantity)) is still compliant",
                sourceLocation: sourceLocation)
    }

    /// Re-evaluates with every order scaled by the verdict's scale factor: it must be compliant, and
    /// a scale 1% larger must not be.
    static func expectScaleIsLargestCompliant(_ orders: [Order], state: PortfolioState = Fixtures.state(),
                                              _ definitions: PolicyDefinition...,
                                              sourceLocation: SourceLocation = #_sourceLocation) {
        let verdict = evaluate(orders, state: state, definitions)
        #expect(verdict.decisionScale < 1, "expected a scale below 1", sourceLocation: sourceLocation)
        let again = evaluate(scaled(orders, verdict), state: state, definitions)
        #expect(again.response.isCompliant, "scaled decision still violates: \(again.response.violations.map(\.description))",
                sourceLocation: sourceLocation)
        let larger = orders.map { order in
            var order = order
            order.quantity *= min(1, verdict.decisionScale + 0.01)
            return order
        }
        #expect(!evaluate(larger, state: state, definitions).response.isCompliant,
                "a scale of \(verdict.decisionScale + 0.01) is still compliant", sourceLocation: sourceLocation)
    }

    static func order(_ side: OrderSide, _ symbol: String, _ quantity: Double, at price: Double, sector: String? = "Technology",
                      assetClass: String? = "EQUITY", country: String? = "US") -> Order {
        Order(symbol: symbol, side: side, quantity: quantity, price: price, sector: sector, assetClass: assetClass, country: country)
    }
}
