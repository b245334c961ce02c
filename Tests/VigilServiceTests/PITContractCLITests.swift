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
        // A misspelt key is named, not ignored (the contract would silently lack its bound).
        do {
            _ = try VigilTasks.contracts(fromYAML: "- feature_name: \(a)\n  value_type: number\n  maximun: 5\n")
            Issue.record("a misspelt key was accepted")
        } catch {
            #expect(error.field == "maximun", "\(error)")
        }
        do {
            _ = try VigilTasks.contracts(fromYAML: "- feature_name: \(a)\n  value_type: weird\n")
            Issue.record("an unknown value type was accepted")
        } catch {
            #expect(error.field == "value_type" && error.message.contains("number, string, bool, any"), "\(error)")
        }
        for name in [a, b] { _ = try VigilTasks.withContractsDatabase(configuration) { try FeatureContractRepository().delete(name, on: $0) } }
    }
}

@Suite("PIT configuration keys")
struct PITConfigurationTests {
    @Test func keysSetTheSectionAndBadValuesNameTheKey() throws {
        var configuration = VigilConfiguration()
        for (key, value) in [("pit.quality.window", "10m"), ("pit.quality.threshold", "0.25"), ("pit.stream.subjects", "a.>, b.>"),
                             ("pit.workers", "3"), ("pit.config_warning_interval", "30m")] {
            try ConfigurationKeys.all[key]?(&configuration, value, key)
        }
        #expect(configuration.pit.qualityRule == QualityRule(windowSeconds: 600, minimumSamples: 20, threshold: 0.25))
        #expect(configuration.pit.stream.subjects == ["a.>", "b.>"] && configuration.pit.consumer.workers == 3)
        #expect(configuration.pit.configWarningInterval == 1800)
        #expect(throws: ConfigurationError.self) { try ConfigurationKeys.all["pit.quality.threshold"]?(&configuration, "1.5", "pit.quality.threshold") }
        configuration.pit.consumer.fetchWait = 10
        do {
            try configuration.validate()
            Issue.record("a 10 s fetch wait was accepted")
        } catch {
            #expect(error.key == "pit.fetch_wait")
        }
    }
}
