import Foundation
import VigilCore

/// What the benchmarks evaluate: a policy mix, one portfolio state per portfolio, and decisions of
/// a fixed number of orders, some of which break a limit so the violation path is exercised too.
struct BenchWorkload: Sendable {
    /// The policies every decision is checked against.
    var policies: [PolicyDefinition]
    /// Symbols the portfolio holds and the decisions trade, with price and sector.
    var universe: [(symbol: String, price: Double, sector: String)]
    /// Net asset value of every generated portfolio.
    var nav = 100_000_000.0
    /// Orders per decision (the target uses 3).
    var ordersPerDecision = 3

    /// The default mix, or the definitions in `file` (a JSON array of seed-001 PolicyDefinitions,
    /// the same shape `GET /api/v1/policies` returns).
    static func load(policyFile file: String?, ordersPerDecision: Int) throws -> BenchWorkload {
        var workload = BenchWorkload(policies: defaultPolicies, universe: defaultUniverse)
        workload.ordersPerDecision = ordersPerDecision
        if let file {
            let data: Data
            do { data = try Data(contentsOf: URL(fileURLWithPath: file)) } catch {
                throw BenchError("--policies: cannot read \(file): \(error.localizedDescription)")
            }
            do { workload.policies = try JSONDecoder().decode([PolicyDefinition].self, from: data) } catch {
                throw BenchError("--policies: \(file) is not a JSON array of policy definitions: \(error)")
            }
        }
        let set = PolicySet(definitions: workload.policies)
        if let rejected = set.rejected.first {
            // A benchmark that silently drops a policy would report a flattering number.
            throw BenchError("policy mix: \(rejected) (this Vigil build cannot compile it)")
        }
        return workload
    }

    /// The compiled policy set.
    var policySet: PolicySet { PolicySet(definitions: policies) }

    /// A portfolio holding every symbol of the universe at about 2% of NAV each, 60% in cash.
    func state(portfolioID: String, asOf: Date = Date(timeIntervalSince1970: 1_750_500_000)) -> PortfolioState {
        let positions = universe.map { item in
            Position(symbol: item.symbol, quantity: (0.02 * nav / item.price).rounded(), price: item.price,
                     sector: item.sector, assetClass: "EQUITY", country: "US")
        }
        return PortfolioState(portfolioID: portfolioID, nav: nav, cash: 0.6 * nav, positions: positions, asOf: asOf)
    }

    /// Decision `variant` of a portfolio. A compliant decision trades about 0.05% of NAV per order;
    /// a violating one makes its first order 2.5% of NAV, which breaks the order-value limits.
    func decision(id: String, portfolioID: String, variant: Int, violating: Bool) -> TradingDecision {
        let orders = (0..<ordersPerDecision).map { index in
            let item = universe[(variant * 7 + index * 3) % universe.count]
            let notional = violating && index == 0 ? 0.025 * nav : 0.0005 * nav
            return Order(symbol: item.symbol, side: index % 3 == 2 ? .sell : .buy, quantity: (notional / item.price).rounded(),
                         price: item.price, sector: item.sector, assetClass: "EQUITY", country: "US")
        }
        return TradingDecision(decisionID: id, portfolioID: portfolioID, timestamp: Date(timeIntervalSince1970: 1_750_500_000),
                               orders: orders, strategy: "bench")
    }

    static let defaultUniverse: [(symbol: String, price: Double, sector: String)] = [
        ("AAPL", 200, "Technology"), ("MSFT", 420, "Technology"), ("NVDA", 120, "Technology"), ("GOOGL", 170, "Technology"),
        ("AMZN", 185, "Consumer"), ("TSLA", 250, "Consumer"), ("HD", 350, "Consumer"), ("MCD", 290, "Consumer"),
        ("JPM", 200, "Financials"), ("BAC", 40, "Financials"), ("GS", 470, "Financials"), ("V", 275, "Financials"),
        ("XOM", 115, "Energy"), ("CVX", 155, "Energy"), ("COP", 110, "Energy"), ("SLB", 45, "Energy"),
        ("JNJ", 155, "Health"), ("PFE", 28, "Health"), ("UNH", 500, "Health"), ("MRK", 125, "Health"),
    ]

    /// Ten POSITION_LIMIT policies with different limits, filters, severities and one advisory.
    static let defaultPolicies: [PolicyDefinition] = {
        func policy(_ name: String, _ rules: [String: JSONValue], _ level: EnforcementLevel = .strict) -> PolicyDefinition {
            PolicyDefinition(policyName: name, policyType: .positionLimit, rules: .object(rules), enforcementLevel: level)
        }
        let tech: JSONValue = .array(["AAPL", "MSFT", "NVDA", "GOOGL"].map(JSONValue.string))
        let energy: JSONValue = .array(["XOM", "CVX", "COP", "SLB"].map(JSONValue.string))
        return [
            policy("bench_weight_10pct", ["max_position_weight": .number(0.10)]),
            policy("bench_weight_5pct_tech", ["max_position_weight": .number(0.05), "symbols": tech]),
            policy("bench_value_8m", ["max_position_value": .number(8_000_000)]),
            policy("bench_quantity_500k", ["max_position_quantity": .number(500_000)]),
            policy("bench_order_value_1m", ["max_order_value": .number(1_000_000)]),
            policy("bench_order_quantity_100k", ["max_order_quantity": .number(100_000)]),
            policy("bench_combo", ["max_position_weight": .number(0.08), "max_order_value": .number(1_500_000)]),
            policy("bench_advisory_weight_6pct", ["max_position_weight": .number(0.06)], .advisory),
            policy("bench_energy_value_5m", ["max_position_value": .number(5_000_000), "symbols": energy]),
            policy("bench_order_value_medium", ["max_order_value": .number(2_000_000), "severity": .string("MEDIUM")]),
        ]
    }()
}

/// A benchmark could not run; the message says why and which flag or variable to fix.
struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
