import Foundation
import Testing

@Suite("vigil check-config")
struct CheckConfigTests {
    /// Runs `vigil check-config` with `arguments`; returns the exit status and stdout+stderr.
    func checkConfig(_ arguments: [String], environment: [String: String] = [:]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = try TestStack.vigilExecutable()
        process.arguments = ["check-config"] + arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, output)
    }

    @Test("a bad value exits 2 and names the key")
    func badValue() throws {
        let result = try checkConfig(["--set", "decisions.batch_size=0"])
        #expect(result.status == 2)
        #expect(result.output.contains("decisions.batch_size"), "\(result.output)")
    }

    @Test("an unknown key exits 2 and is named")
    func unknownKey() throws {
        let result = try checkConfig(["--set", "decisions.batch_sise=10"])
        #expect(result.status == 2)
        #expect(result.output.contains("decisions.batch_sise"), "\(result.output)")
    }

    @Test("a bad environment variable exits 2 and names the variable")
    func badEnvironment() throws {
        let result = try checkConfig([], environment: ["VIGIL_DECISIONS_FETCH_WAIT": "soon"])
        #expect(result.status == 2)
        #expect(result.output.contains("VIGIL_DECISIONS_FETCH_WAIT"), "\(result.output)")
    }

    @Test("a good configuration exits 0 and prints it with the password redacted")
    func goodConfiguration() throws {
        let result = try checkConfig(["--set", "database.url=postgresql://u:s3cret@127.0.0.1:5432/vigil"])
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.contains("decisions.batch_size = 256"))
        #expect(!result.output.contains("s3cret"))
    }
}
