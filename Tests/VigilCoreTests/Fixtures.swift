import Foundation
@testable import VigilCore

/// Builders for decisions, states and policies used across the engine tests.
enum Fixtures {
    static let t0 = Date(timeIntervalSince1970: 1_750_500_000)

    static func state(nav: Double = 1_000_000, cash: Double = 500_000, positions: [Position] = []) -> PortfolioState {
        PortfolioState(portfolioID: "pf-1", nav: nav, cash: cash, positions: positions, asOf: t0)
    }

    static func decision(_ orders: [Order], id: String = "d-1") -> TradingDecision {
        TradingDecision(decisionID: id, portfolioID: "pf-1", timestamp: t0, orders: orders)
    }

    static func buy(_ symbol: String, _ quantity: Double, at price: Double) -> Order {
        Order(symbol: symbol, side: .buy, quantity: quantity, price: price, sector: "Technology", assetClass: "EQUITY", country: "US")
    }

    static func sell(_ symbol: String, _ quantity: Double, at price: Double) -> Order {
        Order(symbol: symbol, side: .sell, quantity: quantity, price: price, sector: "Technology", assetClass: "EQUITY", country: "US")
    }

    static func positionLimit(_ rules: [String: JSONValue], name: String = "position_limits", advisory: Bool = false,
                              portfolios: [String]? = nil) -> PolicyDefinition {
        PolicyDefinition(policyName: name, policyType: .positionLimit, rules: .object(rules),
                         enforcementLevel: advisory ? .advisory : .strict, portfolioIDs: portfolios)
    }

    static func compiled(_ definitions: PolicyDefinition...) -> [CompiledPolicy] {
        let set = PolicySet(definitions: definitions)
        precondition(set.rejected.isEmpty, "fixture policies must compile: \(set.rejected)")
        return set.policies
    }

    static func json(_ text: String) -> Data { Data(text.utf8) }

    static let requestJSON = """
    {"decision":{"decision_id":"d-1","portfolio_id":"pf-1","timestamp":"2025-06-21T10:00:00Z",
      "orders":[{"symbol":"AAPL","side":"BUY","quantity":100,"price":200,"sector":"Technology","asset_class":"EQUITY","country":"US"}]},
     "portfolio_state":{"portfolio_id":"pf-1","nav":1000000,"cash":500000,"positions":[],"as_of":"2025-06-21T09:59:00Z"}}
    """
}
