import Foundation
import Testing
import VigilNATS

extension EndToEnd {
    @Suite("Bad input on the stream")
    struct DeadLetterTests {
        struct Case {
            var name: String
            var payload: String
            var code: String
            var field: String?
        }

        @Test("each bad input becomes a DLQ event carrying its bytes, and the next valid decision is still processed")
        func deadLetters() throws {
            let portfolio = "pf-\(TestStack.uniqueToken())"
            let vigil = try VigilProcess(portfolios: [portfolio], overrides: ["limits.max_payload_bytes": "2KiB"])
            defer { vigil.tearDown() }
            try vigil.start()
            let dlq = try StreamTap(stream: "VIGIL_DLQ", filter: "vigil.dlq.trading.decisions.\(portfolio)")
            defer { dlq.close() }
            let completed = try StreamTap(stream: "VIGIL_EVENTS", filter: "vigil.events.policy_validation_completed.\(portfolio)")
            defer { completed.close() }

            func decision(_ tag: String) -> String { Payloads.decision(id: "bad-\(tag)-\(TestStack.uniqueToken())", portfolio: portfolio) }
            let cases = [
                Case(name: "malformed JSON", payload: #"{"decision": {"decision_id": "x""#, code: "malformed_json"),
                Case(name: "wrong type", payload: decision("type").replacingOccurrences(of: #""quantity":100.0"#, with: #""quantity":"many""#),
                     code: "wrong_type", field: "decision.orders[0].quantity"),
                Case(name: "missing field", payload: decision("missing").replacingOccurrences(of: #""side":"BUY","#, with: ""),
                     code: "missing_field", field: "decision.orders[0].side"),
                Case(name: "timestamp without zone", payload: decision("zone").replacingOccurrences(of: "2025-06-21T10:00:00Z", with: "2025-06-21T10:00:00"),
                     code: "invalid_value", field: "decision.timestamp"),
                Case(name: "negative quantity", payload: decision("negative").replacingOccurrences(of: #""quantity":100.0"#, with: #""quantity":-5"#),
                     code: "invalid_value", field: "decision.orders[0].quantity"),
                Case(name: "NaN quantity", payload: decision("nan").replacingOccurrences(of: #""quantity":100.0"#, with: #""quantity":"NaN""#),
                     code: "wrong_type", field: "decision.orders[0].quantity"),
                Case(name: "oversize payload", payload: decision("big").replacingOccurrences(of: #""strategy":"e2e""#,
                                                                                           with: #""strategy":"\#(String(repeating: "x", count: 3000))""#),
                     code: "too_large"),
            ]
            for item in cases where item.code != "malformed_json" && item.code != "too_large" {
                #expect(item.payload != decision("x"), "\(item.name): the fixture edit did not apply")
            }

            let nats = try TestStack.nats()
            defer { nats.close() }
            let jetStream = try nats.jetStream()
            let subject = "trading.decisions.\(portfolio)"
            for item in cases { _ = try jetStream.publish(subject: subject, payload: Array(item.payload.utf8)) }
            let validID = "ok-\(TestStack.uniqueToken())"
            _ = try jetStream.publish(subject: subject, payload: Array(Payloads.decision(id: validID, portfolio: portfolio).utf8))

            let events = try dlq.collect(timeout: .seconds(10)) { $0.count >= cases.count }.events()
            try #require(events.count == cases.count, "expected \(cases.count) DLQ events, got \(events.count)\n\(vigil.logTail())")
            let byOriginal = Dictionary(events.map { ($0.data["original_base64"] as? String ?? "", $0) }) { first, _ in first }
            for item in cases {
                let original = Data(item.payload.utf8).base64EncodedString()
                guard let event = byOriginal[original] else {
                    Issue.record("\(item.name): no DLQ event carries the bytes sent")
                    continue
                }
                let error = event.data["error"] as? [String: Any] ?? [:]
                #expect(error["code"] as? String == item.code, "\(item.name): \(error)")
                if let field = item.field { #expect(error["field"] as? String == field, "\(item.name): \(error)") }
                #expect((error["message"] as? String)?.isEmpty == false, "\(item.name)")
                #expect(event.data["subject"] as? String == subject)
                #expect(event.data["original_size"] as? Int == item.payload.utf8.count)
                #expect(event.json["specversion"] as? String == "1.0")
                #expect(event.messageID == event.id)
            }

            let valid = try completed.collect(timeout: .seconds(10)) { !$0.isEmpty }.events()
            #expect(valid.count == 1 && valid.first?.data["decision_id"] as? String == validID,
                    "the valid decision after the bad ones was not processed\n\(vigil.logTail())")
            #expect(vigil.isRunning, "vigil must survive bad input")
        }
    }
}
