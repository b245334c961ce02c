import Logging
import Synchronization
import Testing
@testable import VigilService

/// What a ``RecordingLogHandler`` was asked to write.
private final class LogRecord: Sendable {
    let events = Mutex<[(message: String, metadata: Logger.Metadata)]>([])
}

/// A log handler that keeps what it is asked to write.
private struct RecordingLogHandler: LogHandler {
    let record: LogRecord
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace
    var metadataProvider: Logger.MetadataProvider?

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        record.events.withLock { $0.append((event.message.description, merged)) }
    }
}

@Suite("Log escaping")
struct EscapingLogHandlerTests {
    @Test("a newline, NUL or line separator in a message or metadata is written as an escape, so no input forges a log line")
    func controlCharactersAreEscaped() throws {
        let record = LogRecord()
        var logger = Logger(label: "test") { _ in EscapingLogHandler(RecordingLogHandler(record: record)) }
        logger[metadataKey: "subject"] = "a\nb"
        logger.error("report dead-lettered\n2026-11-23T03:50:00+0000 critical vigil: FAKE", metadata: [
            "k\n": "a\u{0}b", "nested": ["x\r", "y\u{2028}"], "plain": "ok",
        ])
        let (message, metadata) = try #require(record.events.withLock { $0.first })
        #expect(message == "report dead-lettered\\n2026-11-23T03:50:00+0000 critical vigil: FAKE")
        #expect(metadata["k\\n"] == "a\\u{0}b")
        #expect(metadata["nested"] == ["x\\r", "y\\u{2028}"])
        #expect(metadata["plain"] == "ok")
        #expect(metadata["subject"] == "a\\nb")
        #expect(!message.contains("\n"))
    }

    @Test func textWithoutControlCharactersIsUnchanged() {
        #expect(EscapingLogHandler.escape("décision p-001 · ok") == "décision p-001 · ok")
        #expect(EscapingLogHandler.escape("\u{1b}[31mred") == "\\u{1b}[31mred")
    }
}
