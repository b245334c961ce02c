import Foundation
import Testing
@testable import VigilCore

@Suite("Windowed limits in validation")
struct WindowedProcessingTests {
    let clock = ManualClock()
    let windows = InMemoryDecisionWindowStore()
    let count = WindowLimit.orderCount(policy: "position_limits", maximum: 2, window: 60)

    /// A processor whose `position_limits` policy (max weight 10%) also carries `limits`.
    func processor(_ limits: [WindowLimit], advisory: Bool = false) -> DecisionProcessor {
        let registry = PolicyRegistry(PolicySet(definitions: [
            Fixtures.positionLimit(["max_position_weight": .number(0.1)], advisory: advisory),
        ]))
        return DecisionProcessor(policies: registry, portfolios: InMemoryPortfolioStateStore(), windows: windows,
                                 enforcement: InMemoryEnforcementState(), clock: clock, windowLimits: { _ in limits })
    }

    func message(_ id: String, _ orders: [(String, String, Double)]) -> InboundMessage {
        let list = orders.map { #"{"symbol":"\#($0.0)","side":"\#($0.1)","quantity":\#($0.2),"price":100}"# }.joined(separator: ",")
        let text = #"{"decision":{"decision_id":"\#(id)","portfolio_id":"pf-1","timestamp":"2025-06-21T10:00:00Z","orders":[\#(list)]},"#
            + #""portfolio_state":{"portfolio_id":"pf-1","nav":1000000,"cash":500000,"positions":[],"as_of":"2025-06-21T09:59:00Z"}}"#
        return InboundMessage(subject: "trading.decisions.pf-1", payload: Fixtures.json(text))
    }

    func responses(_ outcomes: [DecisionOutcome]) -> [PolicyValidationResponse] {
        outcomes.compactMap { if case .validated(let result) = $0 { result.verdict.response } else { nil } }
    }

    @Test func theOrderOverTheWindowLimitIsRejectedWithTheNumbers() throws {
        let processor = processor([count])
        let first = responses(try processor.process([message("a", [("AAPL", "BUY", 10), ("MSFT", "BUY", 10)])]))
        #expect(first.map(\.isCompliant) == [true])
        clock.advance(by: 5)
        let second = try #require(responses(try processor.process([message("b", [("AAPL", "BUY", 10)])])).first)
        #expect(!second.isCompliant)
        let violation = try #require(second.violations.first)
        #expect(violation.violationType == "MAX_ORDERS_PER_WINDOW")
        #expect(violation.severity == .high)
        #expect(violation.description.contains("3 orders within 60 s"))
        #expect(violation.description.contains("maximum of 2"))
        #expect(violation.suggestedAdjustment?.objectValue?["max_compliant_quantity"] == .number(0))
        #expect(violation.suggestedAdjustment?.objectValue?["orders_allowed"] == .number(0))
        #expect(second.recommendations == ["Remove BUY AAPL to satisfy position_limits (MAX_ORDERS_PER_WINDOW)"])
        // Three checks (breaker, quarantine, position_limits), one HIGH: 1 - 0.75 / 3.
        #expect(second.complianceScore == 0.75)
        clock.advance(by: 55)
        #expect(responses(try processor.process([message("c", [("AAPL", "BUY", 10)])])).map(\.isCompliant) == [true])
    }

    @Test func aBatchIsCheckedInOrderAndRedeliveryCountsOnce() throws {
        let processor = processor([count])
        let batch = [message("a", [("AAPL", "BUY", 1)]), message("b", [("AAPL", "BUY", 1)]), message("c", [("AAPL", "BUY", 1)])]
        #expect(responses(try processor.process(batch)).map(\.isCompliant) == [true, true, false])
        // Redelivering the whole batch: a and b are recorded already, c is still over.
        #expect(responses(try processor.process(batch)).map(\.isCompliant) == [true, true, false])
    }

    @Test func aDecisionAlreadyRejectedByARuleIsNotRecorded() throws {
        let processor = processor([count])
        // 1500 × 100 = 15% of NAV: over the 10% position limit.
        let rejected = try #require(responses(try processor.process([message("a", [("AAPL", "BUY", 1500), ("MSFT", "BUY", 1)])])).first)
        #expect(rejected.violations.map(\.violationType) == ["MAX_POSITION_WEIGHT"])
        #expect(responses(try processor.process([message("b", [("AAPL", "BUY", 1), ("MSFT", "BUY", 1)])])).map(\.isCompliant) == [true])
    }

    @Test func requestReplyValidationChecksWithoutRecording() throws {
        let processor = processor([count])
        let request = { (id: String) in
            try InputDecoder(limits: InputLimits()).decode(PolicyValidationRequest.self, from: message(id, [("AAPL", "BUY", 1), ("MSFT", "BUY", 1)]).payload)
        }
        #expect(try processor.validate(request("a")).verdict.response.isCompliant)
        #expect(try processor.validate(request("b")).verdict.response.isCompliant, "a was only checked, not recorded")
        _ = try processor.process([message("a", [("AAPL", "BUY", 1), ("MSFT", "BUY", 1)])])
        #expect(try !processor.validate(request("b")).verdict.response.isCompliant)
    }

    @Test func anAdvisoryWindowLimitReportsWithoutBlocking() throws {
        let processor = processor([count], advisory: true)
        _ = try processor.process([message("a", [("AAPL", "BUY", 1), ("MSFT", "BUY", 1)])])
        let response = try #require(responses(try processor.process([message("b", [("AAPL", "BUY", 1)])])).first)
        #expect(response.isCompliant)
        #expect(response.violations.map(\.advisory) == [true])
        #expect(response.complianceScore == 0.75)
    }

    @Test func turnoverSuggestsTheLargestQuantityAndScale() throws {
        let turnover = WindowLimit.turnover(policy: "position_limits", maximum: 10_000, window: 60)
        let processor = processor([turnover])
        _ = try processor.process([message("a", [("AAPL", "BUY", 40)])])
        // 4000 recorded; 6000 remain; the decision asks for 5000 + 5000.
        let response = try #require(responses(try processor.process([message("b", [("AAPL", "BUY", 50), ("MSFT", "SELL", 50)])])).first)
        let violation = try #require(response.violations.first)
        #expect(violation.violationType == "MAX_TURNOVER_PER_WINDOW")
        let details = try #require(violation.suggestedAdjustment?.objectValue)
        #expect(details["order_index"] == .number(1))
        #expect(details["max_compliant_quantity"] == .number(10))
        #expect(details["decision_scale_factor"] == .number(0.6))
        #expect(violation.description.contains("would be 14000"))
        #expect(response.recommendations.last == "Or scale every order by 0.6 to stay within every strict turnover limit")
    }

    @Test func washTradeNamesTheSymbolAndTheSeconds() throws {
        let wash = WindowLimit.washTrade(policy: "position_limits", window: 30)
        let processor = processor([wash])
        _ = try processor.process([message("a", [("AAPL", "BUY", 1)])])
        clock.advance(by: 12)
        let outcome = try processor.process([message("b", [("MSFT", "BUY", 1), ("AAPL", "SELL", 1)])])
        guard case .validated(let result) = try #require(outcome.first) else { Issue.record("not validated"); return }
        let violation = try #require(result.verdict.response.violations.first)
        #expect(violation.violationType == "WASH_TRADE")
        #expect(violation.description.contains("SELL AAPL comes 12 s after a BUY"))
        #expect(violation.suggestedAdjustment?.objectValue?["symbol"] == .string("AAPL"))
        #expect(result.events.map(\.subject).last == "vigil.events.violation.policy.high")
        // Re-processing the refused decision yields the same violation id.
        let again = try processor.process([message("b", [("MSFT", "BUY", 1), ("AAPL", "SELL", 1)])])
        guard case .validated(let second) = try #require(again.first) else { return }
        #expect(second.violations.map(\.id) == result.violations.map(\.id))
    }
}
