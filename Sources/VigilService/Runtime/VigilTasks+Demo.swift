import Foundation
import Synchronization
import VigilCore
import VigilNATS
import VigilPostgres

extension VigilTasks {
    /// What the demo saw.
    public struct DemoReport: Sendable {
        /// Printable summary.
        public var text: String
        /// Whether every expected event arrived.
        public var complete: Bool
    }

    /// Installs a demo POSITION_LIMIT policy, publishes `count` decisions (every other one too
    /// large) and one malformed input, and reports the events and violation rows that came back.
    public static func demo(_ configuration: VigilConfiguration, count: Int, wait: Double) throws -> DemoReport {
        let pg = try PostgresConnection(configuration: try configuration.database.postgresConfiguration(applicationName: "vigil-demo"))
        defer { pg.close() }
        let run = String(UUID().uuidString.prefix(8)).lowercased()
        let portfolio = "demo-\(run)"
        // Scoped to this run's portfolio only, so the demo never constrains real portfolios.
        try pg.execute("""
            INSERT INTO portfolio_policies (policy_name, policy_type, policy_rules, enforcement_level, description, portfolio_ids)
            VALUES ('demo_position_limit', 'POSITION_LIMIT', $1::jsonb, 'strict', 'Installed by vigil demo', $2)
            ON CONFLICT (policy_name) DO UPDATE SET policy_rules = EXCLUDED.policy_rules, enabled = true,
                portfolio_ids = EXCLUDED.portfolio_ids, updated_at = now()
            """, [.text(#"{"max_position_weight": 0.1, "max_order_value": 250000}"#), .textArray([portfolio])])
        Thread.sleep(forTimeInterval: 1) // the NOTIFY-driven reload takes well under a second

        let nats = try NATSConnection(configuration: configuration.nats.connectionOptions(instanceID: configuration.instanceID, role: "demo"))
        defer { nats.close() }
        let received = Mutex<[NATSMessage]>([])
        let subscriptions = try ["vigil.events.>", "vigil.dlq.>"].map { subject in
            try nats.subscribe(subject: subject) { message in
                if String(decoding: message.payload, as: UTF8.self).contains(portfolio) { received.withLock { $0.append(message) } }
            }
        }
        try nats.flush(timeout: .seconds(2))
        let jetStream = try nats.jetStream()
        let encoder = OutputEncoder()
        let state = PortfolioState(portfolioID: portfolio, nav: 1_000_000, cash: 1_000_000, positions: [], asOf: Date())
        for index in 1...max(1, count) {
            let quantity = index % 2 == 0 ? 800.0 : 200.0 // 800 × 200 = 16% of NAV: over the 10% limit
            let decision = TradingDecision(decisionID: "\(portfolio)-\(index)", portfolioID: portfolio, timestamp: Date(),
                                           orders: [Order(symbol: "AAPL", side: .buy, quantity: quantity, price: 200,
                                                          sector: "Technology", assetClass: "EQUITY", country: "US")])
            let body = try encoder.encode(PolicyValidationRequest(decision: decision, portfolioState: state))
            _ = try jetStream.publish(subject: "trading.decisions.\(portfolio)", payload: Array(body), messageID: decision.decisionID)
        }
        _ = try jetStream.publish(subject: "trading.decisions.\(portfolio)",
                                  payload: Array(#"{"decision": {"decision_id": "\#(portfolio)-bad", "orders": "oops"}}"#.utf8),
                                  messageID: "\(portfolio)-bad")

        let expectedViolations = max(1, count) / 2
        let deadline = Date().addingTimeInterval(wait)
        func counts() -> (completed: Int, violations: Int, dlq: Int) {
            received.withLock { messages in
                (messages.filter { $0.subject.contains("policy_validation_completed") }.count,
                 messages.filter { $0.subject.contains(".violation.") }.count,
                 messages.filter { $0.subject.hasPrefix("vigil.dlq.") }.count)
            }
        }
        while Date() < deadline {
            let seen = counts()
            if seen.completed >= max(1, count), seen.violations >= expectedViolations, seen.dlq >= 1 { break }
            Thread.sleep(forTimeInterval: 0.05)
        }
        for subscription in subscriptions { subscription.unsubscribe() }

        var lines = ["Events received for portfolio \(portfolio):"]
        for message in received.withLock({ $0 }) {
            let json = (try? JSONSerialization.jsonObject(with: Data(message.payload))) as? [String: Any]
            let data = json?["data"] as? [String: Any] ?? [:]
            let summary: String
            if let compliant = data["is_compliant"] as? Bool {
                summary = "decision \(data["decision_id"] ?? "?") compliant=\(compliant) score=\(data["compliance_score"] ?? "?")"
            } else if let violation = data["violation"] as? [String: Any] {
                summary = "\(violation["violation_type"] ?? "?"): \(violation["description"] ?? "")"
            } else {
                let error = data["error"] as? [String: Any] ?? [:]
                summary = "refused (\(error["code"] ?? "?")): \(error["field"].map { "`\($0)` " } ?? "")\(error["message"] ?? "?")"
            }
            lines.append("  \(message.subject)  \(summary)")
        }
        let rows = try pg.query("""
            SELECT decision_id, policy_name, violation_type, severity FROM policy_violations
            WHERE portfolio_id = $1 ORDER BY decision_id
            """, [.text(portfolio)])
        lines.append("Rows in policy_violations for \(portfolio): \(rows.rows.count)")
        for row in rows.rows {
            lines.append("  \((try? row.string("decision_id")) ?? "?")  \((try? row.string("policy_name")) ?? "?")  \((try? row.string("violation_type")) ?? "?")  \((try? row.string("severity")) ?? "?")")
        }
        let seen = counts()
        return DemoReport(text: lines.joined(separator: "\n"),
                          complete: seen.completed >= max(1, count) && seen.dlq >= 1 && rows.rows.count == expectedViolations)
    }
}
