import Foundation
import Testing
import VigilCore
@testable import VigilService

@Suite("ConfigurationLoader")
struct ConfigurationLoaderTests {
    /// Writes `yaml` to a temporary file and returns its path.
    func file(_ yaml: String) throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-config-\(UUID().uuidString).yaml")
        try yaml.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    func error(_ body: () throws(ConfigurationError) -> VigilConfiguration) -> ConfigurationError? {
        do {
            _ = try body()
            return nil
        } catch {
            return error
        }
    }

    @Test("flags win over the environment, which wins over the file, which wins over defaults")
    func precedence() throws {
        let path = try file("""
            decisions:
              batch_size: 100
              workers: 3
            streams:
              events:
                subjects: [vigil.events.>, audit.>]
            """)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let environment = ["VIGIL_DECISIONS_BATCH_SIZE": "200", "VIGIL_NATS_URL": "nats://10.0.0.1:4222"]

        let fileOnly = try ConfigurationLoader(environment: [:]).load(file: path)
        #expect(fileOnly.decisions.batchSize == 100)
        #expect(fileOnly.decisions.workers == 3)
        #expect(fileOnly.streams.events.subjects == ["vigil.events.>", "audit.>"])
        #expect(fileOnly.decisions.durableName == VigilConfiguration().decisions.durableName)

        let withEnvironment = try ConfigurationLoader(environment: environment).load(file: path)
        #expect(withEnvironment.decisions.batchSize == 200)
        #expect(withEnvironment.decisions.workers == 3)
        #expect(withEnvironment.nats.url == "nats://10.0.0.1:4222")

        let withFlags = try ConfigurationLoader(environment: environment).load(file: path, overrides: ["decisions.batch_size": "300"])
        #expect(withFlags.decisions.batchSize == 300)
    }

    @Test("values in their textual forms: durations, sizes, booleans")
    func textualForms() throws {
        let configuration = try ConfigurationLoader(environment: [:]).load(file: nil, overrides: [
            "decisions.fetch_wait": "250ms", "decisions.ack_wait": "2m", "limits.max_payload_bytes": "64KiB",
            "database.migrate_on_start": "no",
        ])
        #expect(configuration.decisions.fetchWait == 0.25)
        #expect(configuration.decisions.ackWait == 120)
        #expect(configuration.limits.maxPayloadBytes == 65_536)
        #expect(configuration.database.migrateOnStart == false)
        #expect(configuration.decisions.commitInterval == 0.005)
        #expect(configuration.pit.consumer.commitInterval == 0)
        let spaced = try ConfigurationLoader(environment: [:]).load(file: nil, overrides: ["decisions.commit_interval": "20ms"])
        #expect(spaced.decisions.commitInterval == 0.02)
        let wide = try ConfigurationLoader(environment: [:]).load(file: nil, overrides: ["limits.max_quantity": "1e18", "limits.min_positive": "1e-18"])
        #expect(wide.limits.maxQuantity == 1e18 && wide.limits.minPositive == 1e-18)
    }

    @Test("an unknown YAML key is named with its full path")
    func unknownFileKey() throws {
        let path = try file("decisions:\n  batch_sise: 10\n")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let failure = try #require(error { () throws(ConfigurationError) in try ConfigurationLoader(environment: [:]).load(file: path) })
        #expect(failure.key.contains("decisions.batch_sise"), "\(failure)")
        #expect(failure.message.contains("unknown key"))
    }

    @Test("a bad duration in the file is named")
    func badDuration() throws {
        let path = try file("decisions:\n  fetch_wait: soon\n")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let failure = try #require(error { () throws(ConfigurationError) in try ConfigurationLoader(environment: [:]).load(file: path) })
        #expect(failure.key.contains("decisions.fetch_wait"), "\(failure)")
        #expect(failure.description.contains("soon"))
    }

    @Test("a bad environment variable is named by the variable")
    func badEnvironment() {
        let failure = error { () throws(ConfigurationError) in
            try ConfigurationLoader(environment: ["VIGIL_REDIS_POOL_SIZE": "0"]).load(file: nil)
        }
        #expect(failure?.key == "VIGIL_REDIS_POOL_SIZE")
    }

    @Test("cross-field checks name the configuration key")
    func crossFieldChecks() {
        let tooBig = error { () throws(ConfigurationError) in
            try ConfigurationLoader(environment: [:]).load(file: nil, overrides: ["limits.max_payload_bytes": "2MiB"])
        }
        #expect(tooBig?.key == "limits.max_payload_bytes")
        let window = error { () throws(ConfigurationError) in
            try ConfigurationLoader(environment: [:]).load(file: nil, overrides: ["streams.decisions.duplicate_window": "8d"])
        }
        #expect(window?.key == "streams.decisions.duplicate_window", "\(String(describing: window))")
        let address = error { () throws(ConfigurationError) in
            try ConfigurationLoader(environment: [:]).load(file: nil, overrides: ["http.addr": "localhost"])
        }
        #expect(address?.key == "http.addr")
        let portfolios = error { () throws(ConfigurationError) in
            try ConfigurationLoader(environment: [:]).load(file: nil, overrides: ["streams.portfolios.duplicate_window": "31d"])
        }
        #expect(portfolios?.key == "streams.portfolios.duplicate_window", "\(String(describing: portfolios))")
        for key in ["decisions.fetch_wait", "pit.fetch_wait", "sla.fetch_wait"] {
            let spinning = error { () throws(ConfigurationError) in
                try ConfigurationLoader(environment: [:]).load(file: nil, overrides: [key: "0s"])
            }
            #expect(spinning?.key == key, "\(String(describing: spinning))")
        }
        for key in ["decisions.commit_interval", "pit.commit_interval"] {
            let tooLong = error { () throws(ConfigurationError) in
                try ConfigurationLoader(environment: [:]).load(file: nil, overrides: [key: "2s"])
            }
            #expect(tooLong?.key == key, "\(String(describing: tooLong))")
        }
    }

    @Test("the YAML must be a mapping")
    func notAMapping() throws {
        let path = try file("- a\n- b\n")
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(error { () throws(ConfigurationError) in try ConfigurationLoader(environment: [:]).load(file: path) } != nil)
    }
}
