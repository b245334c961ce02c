import Testing
@testable import VigilNATS

@Suite struct JetStreamStreamTests {
    @Test func ensureStreamIsIdempotentAndUpdatesChangedSettings() throws {
        let fixture = try StreamFixture()
        var configuration = StreamConfiguration(name: fixture.name, subjects: ["\(fixture.subject).>"])
        configuration.storage = .memory
        _ = try fixture.jetStream.publish(subject: "\(fixture.subject).a", payload: [1])
        let again = try fixture.jetStream.ensureStream(configuration)
        #expect(again.messages == 1)  // not recreated: the stored message is still there
        #expect(again.configuration == configuration)
        #expect(configuration.matches(again.configuration))

        configuration.maxMessages = 10
        configuration.duplicateWindow = .seconds(30)
        configuration.subjects.append("\(fixture.subject)-extra")
        let updated = try fixture.jetStream.ensureStream(configuration)
        #expect(updated.configuration.maxMessages == 10)
        #expect(updated.configuration.duplicateWindow == .seconds(30))
        #expect(Set(updated.configuration.subjects) == Set(configuration.subjects))
        #expect(updated.messages == 1)
        #expect(try fixture.jetStream.streamInfo(name: fixture.name).configuration.maxMessages == 10)
    }

    @Test func concurrentEnsureStreamCallsAllSucceed() async throws {
        let connection = try connect()
        let name = uniqueName("VTRACE")
        var configuration = StreamConfiguration(name: name, subjects: ["vt.\(name.lowercased()).>"])
        configuration.storage = .memory
        let contexts = try (0..<4).map { _ in try connection.jetStream() }
        defer { try? contexts[0].deleteStream(name: name) }
        let results = await withTaskGroup(of: Result<StreamInfoSummary, any Error>.self) { group in
            for context in contexts {
                group.addTask { [configuration] in Result { try context.ensureStream(configuration) } }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        for result in results { #expect(throws: Never.self) { try result.get() } }
        #expect(try contexts[0].streamInfo(name: name).configuration == configuration)
    }

    @Test func missingStreamIsNotFound() throws {
        let jetStream = try connect().jetStream()
        let error = try #require(throws: NATSError.self) { try jetStream.streamInfo(name: uniqueName("NOPE")) }
        #expect(error.code == .notFound)
        let deleteError = try #require(throws: NATSError.self) { try jetStream.deleteStream(name: uniqueName("NOPE")) }
        #expect(deleteError.code == .notFound)
    }

    @Test func sameMessageIDInsideTheWindowIsStoredOnce() throws {
        let fixture = try StreamFixture()
        let subject = "\(fixture.subject).dedupe"
        let first = try fixture.jetStream.publish(subject: subject, payload: Array("x".utf8), messageID: "evt-1")
        let second = try fixture.jetStream.publish(subject: subject, payload: Array("x".utf8), messageID: "evt-1")
        let other = try fixture.jetStream.publish(subject: subject, payload: Array("y".utf8), messageID: "evt-2")
        #expect(!first.duplicate)
        #expect(second.duplicate)
        #expect(second.sequence == first.sequence)
        #expect(other.sequence == first.sequence + 1)
        #expect(first.stream == fixture.name)
        #expect(try fixture.jetStream.streamInfo(name: fixture.name).messages == 2)
    }

    @Test func publishBatchStoresEveryMessage() throws {
        let fixture = try StreamFixture()
        let messages = (0..<5_000).map { index in
            OutboundMessage(subject: "\(fixture.subject).batch", payload: Array("{\"n\":\(index)}".utf8), messageID: "m-\(index)")
        }
        try fixture.jetStream.publishBatch(messages, timeout: .seconds(30))
        let info = try fixture.jetStream.streamInfo(name: fixture.name)
        #expect(info.messages == 5_000)
        #expect(info.lastSequence == 5_000)
        // Replaying the batch (as after a crash) stores nothing new thanks to the message IDs.
        try fixture.jetStream.publishBatch(Array(messages.prefix(100)))
        #expect(try fixture.jetStream.streamInfo(name: fixture.name).messages == 5_000)
    }

    @Test func publishBatchNamesMessagesThatWereNotStored() throws {
        let fixture = try StreamFixture()
        let lost = "vt.unrouted.\(uniqueName("s"))"
        let messages = [
            OutboundMessage(subject: "\(fixture.subject).ok", payload: [1], messageID: "ok-1"),
            OutboundMessage(subject: lost, payload: [2], messageID: "lost-1"),
            OutboundMessage(subject: "\(fixture.subject).ok", payload: [3], messageID: "ok-2"),
        ]
        let error = try #require(throws: NATSError.self) { try fixture.jetStream.publishBatch(messages, timeout: .seconds(5)) }
        #expect(error.code == .publishNotAcknowledged)
        #expect(error.description.contains("1 of 3"))
        #expect(error.description.contains("lost-1"))
        #expect(try fixture.jetStream.streamInfo(name: fixture.name).messages == 2)
        // The context stays usable for the next batch.
        try fixture.jetStream.publishBatch([OutboundMessage(subject: "\(fixture.subject).ok", payload: [4])])
        #expect(try fixture.jetStream.streamInfo(name: fixture.name).messages == 3)
    }

    @Test func parallelBatchesOnOneContextAllLand() async throws {
        let fixture = try StreamFixture()
        let jetStream = fixture.jetStream
        let subject = "\(fixture.subject).parallel"
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<3 {
                group.addTask {
                    let batch = (0..<500).map { OutboundMessage(subject: subject, payload: [UInt8(worker)], messageID: "w\(worker)-\($0)") }
                    try jetStream.publishBatch(batch)
                }
            }
            try await group.waitForAll()
        }
        #expect(try jetStream.streamInfo(name: fixture.name).messages == 1_500)
    }
}
