import Foundation
import Testing
import VigilCore
@testable import VigilService

/// Every loader of an operator-supplied file (policies, contracts, SLA policies, configuration)
/// refuses hostile shapes with an error naming the limit, and still loads ordinary files.
/// Uses only the loaders' own entry points, so the alias test also runs (and fails, in bounded
/// time) against loaders without the limits.
@Suite("Operator file limits")
struct FileLoaderLimitTests {
    /// Five thousand nested flow sequences: Yams' recursive composer overflowed the stack on it.
    static let deepFlow = String(repeating: "[", count: 5000) + String(repeating: "]", count: 5000)
    /// The same depth in block style (`- - - … x`).
    static let deepBlock = String(repeating: "- ", count: 5000) + "x\n"

    /// A "billion laughs" of `levels` levels of ten aliases each: about 10^levels nodes once
    /// expanded, in a file of a few hundred bytes. Six levels is just over the 1,000,000-node
    /// limit and small enough that a loader without the limit finishes (wrongly) in seconds; the
    /// reported nine levels ran for minutes, so ``YAMLInputTests`` checks that one on the guard.
    static func aliasBomb(levels: Int) -> String {
        var lines = [#"l0: &l0 ["x","x","x","x","x","x","x","x","x","x"]"#]
        for level in 1..<levels {
            let alias = Array(repeating: "*l\(level - 1)", count: 10).joined(separator: ",")
            lines.append("l\(level): &l\(level) [\(alias)]")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Writes `text` to a temporary file and returns its path.
    func file(_ text: String) throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-limits-\(UUID().uuidString).yaml")
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    /// The message of the error each loader throws for `text`, nil when one loads it.
    func messages(_ text: String) throws -> [String: String?] {
        let path = try file(text)
        defer { try? FileManager.default.removeItem(atPath: path) }
        func message(_ body: () throws -> Void) -> String? {
            do { try body(); return nil } catch { return "\(error)" }
        }
        return [
            "policies": message { _ = try PolicyFile.documents(fromYAML: text) },
            "contracts": message { _ = try VigilTasks.contracts(fromYAML: text) },
            "sla": message { _ = try SLAPolicyInput.policies(fromYAML: text) },
            "configuration": message { _ = try ConfigurationLoader(environment: [:]).load(file: path) },
        ]
    }

    @Test("5000 nested brackets or dashes are refused by every loader, naming the 64-level limit")
    func deepNesting() throws {
        for text in [Self.deepFlow, Self.deepBlock] {
            for (loader, message) in try messages(text) {
                #expect(message?.contains("more than 64 levels deep") == true, "\(loader): \(String(describing: message))")
            }
        }
    }

    @Test("an alias bomb is refused by every loader, naming the node limit (aliases are refused in configuration)")
    func aliasBomb() throws {
        let started = ContinuousClock.now
        for (loader, message) in try messages(Self.aliasBomb(levels: 6)) {
            let expected = loader == "configuration" ? "may not use aliases" : "more than 1000000 nodes"
            #expect(message?.contains(expected) == true, "\(loader): \(String(describing: message))")
        }
        #expect(ContinuousClock.now - started < .seconds(5), "refused before expanding anything")
    }

    @Test("ordinary files still load, aliases included where they are allowed")
    func ordinaryFiles() throws {
        let policies = try PolicyFile.documents(fromYAML: """
            - policy_name: cap_a
              policy_type: POSITION_LIMIT
              portfolio_ids: &desks [p1, p2]
              rules: &cap {max_position_weight: 0.05}
            - {policy_name: cap_b, policy_type: POSITION_LIMIT, portfolio_ids: *desks, rules: *cap}
            """)
        #expect(policies.map(\.definition.policyName) == ["cap_a", "cap_b"])
        #expect(policies.last?.definition.portfolioIDs == ["p1", "p2"])

        let contracts = try VigilTasks.contracts(fromYAML: #"[{"feature_name": "spread", "value_type": "number", "maximum": 5}]"#)
        #expect(contracts.map(\.featureName) == ["spread"])

        let sla = try SLAPolicyInput.policies(fromYAML: "sla_policies:\n  P1: {acknowledge_within_seconds: 60, resolve_within_seconds: 600}\n")
        #expect(sla.map(\.severity) == [.high])

        let path = try file("decisions:\n  batch_size: 100\nstreams:\n  events:\n    subjects: [a.>, b.>]\n")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let configuration = try ConfigurationLoader(environment: [:]).load(file: path)
        #expect(configuration.decisions.batchSize == 100 && configuration.streams.events.subjects == ["a.>", "b.>"])
    }
}
