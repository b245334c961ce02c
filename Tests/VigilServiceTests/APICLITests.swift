import Foundation
import Testing
import VigilCore
import VigilNATS
@testable import VigilService

/// `vigil policies apply|list|delete` and `vigil validate`, through the built binary and the
/// functions behind it, against the real stack.
@Suite("CLI: policies and validate")
struct APICLITests {
    static func configuration() throws -> VigilConfiguration {
        try APITestServer.migrate()
        var configuration = VigilConfiguration()
        configuration.database.url = try env("VIGIL_DATABASE_URL")
        return configuration
    }

    static func env(_ key: String) throws -> String {
        guard let value = ProcessInfo.processInfo.environment[key], !value.isEmpty else {
            throw APITestServer.SetupError(description: "\(key) is not set: run scripts/stack.sh up and source .vigil/env")
        }
        return value
    }

    /// Runs `.build/debug/vigil` with the test's environment; returns (exit status, stdout, stderr).
    static func vigil(_ arguments: [String]) throws -> (Int32, String, String) {
        let binary = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent(".build/debug/vigil")
        guard FileManager.default.isExecutableFile(atPath: binary.path) else {
            throw APITestServer.SetupError(description: "\(binary.path) is missing: run `swift build` before the tests")
        }
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: stdout, as: UTF8.self), String(decoding: stderr, as: UTF8.self))
    }

    @Test("apply stores a whole file in one go; a file with one bad policy stores nothing and names policy and key")
    func applyAllOrNothing() throws {
        let configuration = try Self.configuration()
        let (a, b) = (APITestServer.unique("cli_a"), APITestServer.unique("cli_b"))
        let good = """
            - policy_name: \(a)
              policy_type: POSITION_LIMIT
              rules: {max_position_weight: 0.1, symbols: ["AAPL"]}
              portfolio_ids: [p1]
            - policy_name: \(b)
              policy_type: POSITION_LIMIT
              enforcement_level: advisory
              portfolio_ids: [p1]
              rules:
                max_order_value: 250000
            """
        let applied = try VigilTasks.applyPolicies(configuration, yaml: good)
        #expect(applied == [a: true, b: true])
        let listed = try VigilTasks.listPolicies(configuration)
        #expect(listed.first { $0.policyName == a }?.portfolioIDs == ["p1"])
        #expect(listed.first { $0.policyName == b }?.enforcementLevel == "advisory")

        let (c, d) = (APITestServer.unique("cli_c"), APITestServer.unique("cli_d"))
        let bad = """
            - {policy_name: \(c), policy_type: POSITION_LIMIT, rules: {max_position_weight: 0.1}}
            - {policy_name: \(d), policy_type: POSITION_LIMIT, rules: {max_positon_weight: 0.1}}
            """
        let error = #expect(throws: PolicyError.self) { _ = try VigilTasks.applyPolicies(configuration, yaml: bad) }
        #expect(error?.policyName == d && error?.field == "max_positon_weight")
        #expect(try VigilTasks.listPolicies(configuration).contains { $0.policyName == c } == false)
        #expect(try VigilTasks.deletePolicy(configuration, name: a))
        #expect(try VigilTasks.deletePolicy(configuration, name: b))
        #expect(try VigilTasks.deletePolicy(configuration, name: a) == false)
    }

    @Test("the vigil binary applies, lists and deletes; a bad file exits 2 naming the key")
    func binaryPolicies() throws {
        _ = try Self.configuration()
        let name = APITestServer.unique("bin")
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("\(name).yaml")
        try "policy_name: \(name)\npolicy_type: POSITION_LIMIT\nportfolio_ids: [p1]\nrules: {max_position_weight: 0.05}\n".write(to: file, atomically: true, encoding: .utf8)
        let (status, out, err) = try Self.vigil(["policies", "apply", file.path])
        #expect(status == 0, "\(err)")
        #expect(out.contains("created \(name)"))
        let (_, table, _) = try Self.vigil(["policies", "list"])
        #expect(table.contains(name) && table.contains("POSITION_LIMIT"))
        try "policy_name: \(name)\npolicy_type: POSITION_LIMIT\nrules: {max_weight: 0.05}\n".write(to: file, atomically: true, encoding: .utf8)
        let (badStatus, _, badErr) = try Self.vigil(["policies", "apply", file.path])
        #expect(badStatus == 2)
        #expect(badErr.contains("max_weight") && badErr.contains(name))
        #expect(try Self.vigil(["policies", "delete", name]).0 == 0)
        #expect(try Self.vigil(["policies", "delete", name]).0 == 1)
    }

    @Test("vigil validate exits 0 compliant, 3 non-compliant, 2 refused, 1 when nobody answers")
    func validateExitCodes() throws {
        let url = try Self.env("VIGIL_NATS_URL")
        let subject = APITestServer.unique("cli.validate")
        let nats = try NATSConnection(configuration: NATSConfiguration(url: url))
        defer { nats.close() }
        // Answers by decision id, standing in for a running Vigil on the same subject.
        let subscription = try nats.subscribe(subject: subject) { message in
            let text = String(decoding: message.payload, as: UTF8.self)
            var headers = NATSHeaders()
            let body: String
            if text.contains("refuse") {
                headers["Vigil-Error"] = "invalid_value"
                body = #"{"error":{"code":"invalid_value","field":"decision.orders[0].quantity","message":"must be positive"}}"#
            } else {
                let compliant = !text.contains("over")
                body = #"{"decision_id":"x","is_compliant":\#(compliant),"violations":[],"compliance_score":1,"recommendations":[]}"#
            }
            try? nats.respond(to: message, payload: Array(body.utf8), headers: headers)
        }
        defer { _ = subscription }
        try nats.flush()
        func run(_ decision: String, subject: String = subject) throws -> Int32 {
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("\(APITestServer.unique("req")).json")
            try JSONSerialization.data(withJSONObject: APIFixtures.request(decisionID: decision)).write(to: file)
            return try Self.vigil(["validate", file.path, "--timeout", "2", "--set", "validation.subject=\(subject)"]).0
        }
        #expect(try run("ok") == 0)
        #expect(try run("over") == 3)
        #expect(try run("refuse") == 2)
        #expect(try run("ok", subject: subject + ".nobody") == 1)
        #expect(try Self.vigil(["validate", "/nonexistent.json"]).0 == 2)
    }
}
