import Foundation
import Testing
import VigilNATS

/// One `vigil run` subprocess with its own decision stream, durable consumer, validation subject
/// and HTTP port, so suites never share a consumer. Events and DLQ streams are the shared
/// defaults (`vigil.events.>`, `vigil.dlq.>`); tests tell their outputs apart by portfolio id.
final class VigilProcess: @unchecked Sendable {
    // @unchecked: the Process is started and stopped from the test's own task only.
    let token: String
    let portfolios: [String]
    let decisionStream: String
    /// The instance's own feature-write stream (override `pit.stream.subjects` to feed it).
    var featureStream: String { "E2EF_\(token.uppercased())" }
    let durable: String
    let validationSubject: String
    let httpPort: Int
    let logFile: URL
    private let extra: [String: String]
    private var process: Process?

    /// Prepares (does not start) an instance that consumes `trading.decisions.<p>` for `portfolios`.
    init(portfolios: [String], overrides: [String: String] = [:]) throws {
        try TestStack.requireAll()
        token = TestStack.uniqueToken()
        self.portfolios = portfolios
        decisionStream = "E2E_\(token.uppercased())"
        durable = "e2e-\(token)"
        validationSubject = "e2e.\(token).validate"
        httpPort = try TestStack.freePort()
        extra = overrides
        let logs = TestStack.repositoryRoot.appendingPathComponent(".vigil/test-logs")
        try FileManager.default.createDirectory(at: logs, withIntermediateDirectories: true)
        logFile = logs.appendingPathComponent("vigil-\(token).log")
    }

    var arguments: [String] {
        var settings = [
            "instance_id": "e2e-\(token)",
            "streams.decisions.name": decisionStream,
            "streams.decisions.subjects": portfolios.map { "trading.decisions.\($0)" }.joined(separator: ","),
            "decisions.durable_name": durable,
            // Its own consumer of the shared portfolio-state stream: snapshots reach every instance.
            "portfolio_states.durable_name": "e2e-portfolio-states-\(token)",
            "validation.subject": validationSubject,
            "http.addr": "127.0.0.1:\(httpPort)",
            "database.migrations_dir": TestStack.repositoryRoot.appendingPathComponent("schemas/sql").path,
            // Each instance gets its own feature stream, so no two create overlapping subjects.
            "pit.stream.name": featureStream,
            "pit.stream.subjects": "features.writes.e2e\(token)",
            "pit.durable_name": "e2e-features-\(token)",
            // Breaker, quarantine and window state of its own: a test that trips the global breaker
            // must not reject the decisions of tests running beside it. Tests that share state
            // between instances override it.
            "redis.key_prefix": "e2e:\(token):",
            // Small reservations, so many instances' streams fit the server's JetStream storage.
            "streams.decisions.max_bytes": "256MiB",
            "pit.stream.max_bytes": "256MiB",
        ]
        settings.merge(extra) { _, new in new }
        return ["run"] + settings.sorted { $0.key < $1.key }.flatMap { ["--set", "\($0.key)=\($0.value)"] }
    }

    /// Starts `vigil run` and waits (bounded) until `/readyz` answers 200.
    func start(readyWithin timeout: Duration = .seconds(20)) throws {
        _ = FileManager.default.createFile(atPath: logFile.path, contents: nil)
        let log = try FileHandle(forWritingTo: logFile)
        try log.seekToEnd()
        let process = Process()
        process.executableURL = try TestStack.vigilExecutable()
        process.arguments = arguments
        process.currentDirectoryURL = TestStack.repositoryRoot
        process.standardOutput = log
        process.standardError = log
        try process.run()
        self.process = process
        let ready = eventually(timeout: timeout, interval: .milliseconds(50)) {
            guard process.isRunning else { return true }
            return (try? HTTPProbe.get(port: httpPort, path: "/readyz", timeoutSeconds: 1).status) == 200
        }
        guard process.isRunning else { throw Failure("vigil exited with status \(process.terminationStatus) while starting:\n\(logTail())") }
        guard ready else { throw Failure("vigil was not ready within \(timeout):\n\(logTail())") }
    }

    /// Sends SIGTERM (graceful) or SIGKILL and waits (bounded) for the process to exit.
    @discardableResult
    func stop(signal: Int32 = SIGTERM, within timeout: Duration = .seconds(15)) -> Int32? {
        guard let process, process.isRunning else { return self.process?.terminationStatus }
        kill(process.processIdentifier, signal)
        let exited = eventually(timeout: timeout, interval: .milliseconds(20)) { !process.isRunning }
        if !exited {
            kill(process.processIdentifier, SIGKILL)
            _ = eventually(timeout: .seconds(5)) { !process.isRunning }
            return nil
        }
        return process.terminationStatus
    }

    var isRunning: Bool { process?.isRunning ?? false }

    /// The end of this instance's log for failure messages; after a crash, the lines around it
    /// (a backtrace would otherwise push the cause out of the tail).
    func logTail(lines: Int = 30) -> String {
        let text = (try? String(contentsOf: logFile, encoding: .utf8)) ?? ""
        let all = text.split(separator: "\n", omittingEmptySubsequences: false)
        if let crash = all.firstIndex(where: { $0.contains("Program crashed") || $0.contains("Fatal error") }) {
            return "vigil crashed (full log: \(logFile.path)):\n" + all[max(0, crash - 8)..<min(all.count, crash + 4)].joined(separator: "\n")
        }
        return all.suffix(lines).joined(separator: "\n")
    }

    /// Stops the process and deletes its decision stream (and with it the durable consumer).
    func tearDown() {
        stop()
        if let nats = try? TestStack.nats(), let jetStream = try? nats.jetStream() {
            try? jetStream.deleteStream(name: decisionStream)
            try? jetStream.deleteStream(name: featureStream)
            nats.close()
        }
    }

    deinit {
        if let process, process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }
}
