import Foundation
import Testing
import VigilCore
@testable import VigilService

/// `vigil contracts apply|list`, through the built binary and the functions behind it.
@Suite("CLI: feature contracts")
struct PITContractCLITests {
    @Test("apply stores a whole file; a file with one bad contract stores nothing and names the field; list shows them")
    func applyAndList() throws {
        let configuration = try APICLITests.configuration()
        let (a, b) = ("cli_m\(TestStack.uniqueToken())", "cli_n\(TestStack.uniqueToken())")
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("contracts-\(a).yaml")
        defer { try? FileManager.default.removeItem(at: file) }
        try """
            - feature_name: \(a)
              value_type: number
              minimum: 0
              maximum: 1
              expected_latency_seconds: 30
            - feature_name: \(b)
              value_type: string
              nullable: true
            """.write(to: file, atomically: true, encoding: .utf8)
        let (status, out, err) = try APICLITests.vigil(["contracts", "apply", file.path])
        #expect(status == 0, "\(err)")
        #expect(out.contains("created \(a)") && out.contains("created \(b)"))
        let stored = try VigilTasks.listContracts(configuration).filter { [a, b].contains($0.featureName) }
        #expect(stored == [FeatureContract(featureName: a, valueType: .number, minimum: 0, maximum: 1, expectedLatencySeconds: 30),
                           FeatureContract(featureName: b, valueType: .string, nullable: true)])
        let (_, listed, _) = try APICLITests.vigil(["contracts", "list"])
        #expect(listed.contains(a) && listed.contains("FEATURE"))

        let bad = """
            - feature_name: \(a)
              value_type: number
              maximum: 5
            - feature_name: \(b)
              value_type: number
              minimum: 3
              maximum: 2
            """
        #expect(throws: InputError.self) { try VigilTasks.applyContracts(configuration, yaml: bad) }
        do {
            _ = try VigilTasks.contracts(fromYAML: bad)
        } catch {
            #expect(error.field == "minimum" && error.message.contains(b))
        }
        #expect(try VigilTasks.listContracts(configuration).first { $0.featureName == a }?.maximum == 1, "nothing of the bad file was applied")
        for name in [a, b] { _ = try VigilTasks.withContractsDatabase(configuration) { try FeatureContractRepository().delete(name, on: $0) } }
    }
}
