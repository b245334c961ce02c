import Foundation
import Testing
@testable import VigilNATS

@Suite struct JetStreamConsumerTests {
    /// A stream with one durable pull consumer and a subscription bound to it.
    private func consumerFixture(
        _ configure: (inout ConsumerConfiguration) -> Void = { _ in }
    ) throws -> (StreamFixture, PullSubscription, ConsumerConfiguration) {
        let fixture = try StreamFixture()
        var consumer = ConsumerConfiguration(durableName: "worker", filterSubject: "\(fixture.subject).>")
        configure(&consumer)
        try fixture.jetStream.ensureConsumer(stream: fixture.name, consumer)
        let subscription = try fixture.jetStream.pullSubscribe(stream: fixture.name, durable: "worker")
        return (fixture, subscription, consumer)
    }

    @Test func ensureConsumerIsIdempotentAndUpdatesChangedSettings() throws {
        let fixture = try StreamFixture()
        var consumer = ConsumerConfiguration(durableName: "risk", filterSubject: "\(fixture.subject).orders")
        consumer.ackWait = .seconds(5)
        consumer.maxDeliver = 5
        consumer.backoff = [.seconds(1), .seconds(2)]
        let created = try fixture.jetStream.ensureConsumer(stream: fixture.name, consumer)
        let again = try fixture.jetStream.ensureConsumer(stream: fixture.name, consumer)
        #expect(created.configuration == again.configuration)
        // The server's copy must read back as "unchanged", or every start would issue an update.
        #expect(consumer.matches(again.configuration))
        #expect(again.configuration.backoff == [.seconds(1), .seconds(2)])
        #expect(again.configuration.filterSubject == "\(fixture.subject).orders")

        consumer.maxAckPending = 64
        let updated = try fixture.jetStream.ensureConsumer(stream: fixture.name, consumer)
        #expect(updated.configuration.maxAckPending == 64)
        #expect(try fixture.jetStream.consumerInfo(stream: fixture.name, durable: "risk").configuration.maxAckPending == 64)
        #expect(try fixture.jetStream.streamInfo(name: fixture.name).consumerCount == 1)
    }

    @Test func fetchReturnsEmptyOnTimeout() throws {
        let (_, subscription, _) = try consumerFixture()
        let messages = try subscription.fetch(batch: 10, timeout: .milliseconds(200))
        #expect(messages.isEmpty)
    }

    @Test func fetchReturnsWhatIsPendingAtOnceWithoutWaitingForTheBatch() throws {
        let (fixture, subscription, _) = try consumerFixture()
        for index in 0..<3 {
            _ = try fixture.jetStream.publish(subject: "\(fixture.subject).a", payload: [UInt8(index)])
        }
        // Three pending, batch of 100: the request must end with the three, not wait for 97 more.
        let clock = ContinuousClock()
        let started = clock.now
        let messages = try subscription.fetch(batch: 100, timeout: .seconds(20))
        #expect(messages.map(\.payload) == [[0], [1], [2]])
        #expect(clock.now - started < .seconds(10))
        for message in messages { try message.ack() }
    }

    @Test func aFetchOfOneHandsOverTheFirstMessageToArrive() throws {
        let (fixture, subscription, _) = try consumerFixture()
        let jetStream = fixture.jetStream, subject = "\(fixture.subject).b"
        let publisher = Thread {
            // The fetch below is (most likely) already waiting; the assertion holds either way.
            Thread.sleep(forTimeInterval: 0.2)
            _ = try? jetStream.publish(subject: subject, payload: [7])
        }
        publisher.start()
        let clock = ContinuousClock()
        let started = clock.now
        let messages = try subscription.fetch(batch: 1, timeout: .seconds(20))
        #expect(messages.map(\.payload) == [[7]])
        // The request waits up to 20 s; ending well before shows it returned on the message.
        #expect(clock.now - started < .seconds(10))
        for message in messages { try message.ack() }
    }

    @Test func fetchReturnsAtMostTheBatchAndHeadersSurvive() throws {
        let (fixture, subscription, _) = try consumerFixture()
        var headers: NATSHeaders = ["Ce-Type": "order.created"]
        headers.add("X-Tag", "a")
        headers.add("X-Tag", "b")
        for index in 0..<5 {
            _ = try fixture.jetStream.publish(subject: "\(fixture.subject).orders", payload: [UInt8(index)], headers: headers, messageID: "o-\(index)")
        }
        let firstBatch = try subscription.fetch(batch: 3, timeout: .seconds(2))
        #expect(firstBatch.count == 3)
        let first = try #require(firstBatch.first)
        #expect(first.payload == [0])
        #expect(first.subject == "\(fixture.subject).orders")
        #expect(first.headers.values(for: "X-Tag") == ["a", "b"])
        #expect(first.headers["Ce-Type"] == "order.created")
        #expect(first.headers["Nats-Msg-Id"] == "o-0")
        #expect(first.withPayload { Array($0) } == [0])
        let metadata = try first.metadata()
        #expect(metadata.streamSequence == 1)
        #expect(metadata.numDelivered == 1)
        #expect(metadata.stream == fixture.name)
        #expect(metadata.consumer == "worker")
        #expect(metadata.timestampNanoseconds > 0)
        let rest = try subscription.fetch(batch: 10, timeout: .seconds(2))
        #expect(rest.map(\.payload) == [[3], [4]])
        for message in firstBatch + rest { try message.ack() }
    }

    @Test func ackedMessagesAreNotRedelivered() throws {
        let (fixture, subscription, _) = try consumerFixture { $0.ackWait = .seconds(1) }
        _ = try fixture.jetStream.publish(subject: "\(fixture.subject).a", payload: [1])
        let messages = try subscription.fetch(batch: 1, timeout: .seconds(2))
        try #require(messages.count == 1)
        try messages[0].ack()
        try fixture.connection.flush()
        #expect(try subscription.fetch(batch: 1, timeout: .milliseconds(1_500)).isEmpty)
        #expect(try fixture.jetStream.consumerInfo(stream: fixture.name, durable: "worker").ackPending == 0)
    }

    @Test func nakWithDelayRedeliversLater() throws {
        let (fixture, subscription, _) = try consumerFixture { $0.ackWait = .seconds(10) }
        _ = try fixture.jetStream.publish(subject: "\(fixture.subject).a", payload: [1])
        let first = try #require(try subscription.fetch(batch: 1, timeout: .seconds(2)).first)
        try first.nak(delay: .milliseconds(300))
        try fixture.connection.flush()
        let clock = ContinuousClock()
        let start = clock.now
        let again = try #require(try subscription.fetch(batch: 1, timeout: .seconds(3)).first)
        #expect(try again.metadata().numDelivered == 2)
        #expect(again.payload == [1])
        // Not immediately: the delay was honoured (generous lower bound, no upper bound).
        #expect(clock.now - start >= .milliseconds(150))
        try again.ack()
    }

    @Test func termStopsRedelivery() throws {
        let (fixture, subscription, _) = try consumerFixture { $0.ackWait = .seconds(1) }
        _ = try fixture.jetStream.publish(subject: "\(fixture.subject).a", payload: [9])
        let message = try #require(try subscription.fetch(batch: 1, timeout: .seconds(2)).first)
        try message.term()
        try fixture.connection.flush()
        #expect(try subscription.fetch(batch: 1, timeout: .milliseconds(1_500)).isEmpty)
    }

    @Test func unackedMessageIsRedeliveredAfterAckWait() throws {
        let (fixture, subscription, _) = try consumerFixture { $0.ackWait = .seconds(1) }
        _ = try fixture.jetStream.publish(subject: "\(fixture.subject).a", payload: [7])
        let first = try #require(try subscription.fetch(batch: 1, timeout: .seconds(2)).first)
        #expect(try first.metadata().numDelivered == 1)
        // No ack: the server must hand it out again once the 1 s ack wait expires.
        let again = try #require(try subscription.fetch(batch: 1, timeout: .seconds(4)).first)
        #expect(again.payload == [7])
        #expect(try again.metadata().numDelivered == 2)
        try again.ack()
    }

    @Test func inProgressExtendsTheAckWait() throws {
        let (fixture, subscription, _) = try consumerFixture { $0.ackWait = .seconds(1) }
        _ = try fixture.jetStream.publish(subject: "\(fixture.subject).a", payload: [5])
        let message = try #require(try subscription.fetch(batch: 1, timeout: .seconds(2)).first)
        for _ in 0..<3 {
            pause(milliseconds: 500)
            try message.inProgress()
            try fixture.connection.flush()
        }
        // 1.5 s have passed, more than the ack wait, yet the message was never redelivered.
        #expect(try subscription.fetch(batch: 1, timeout: .milliseconds(300)).isEmpty)
        try message.ack()
    }

    @Test func twoSubscriptionsShareTheDurableWork() throws {
        let (fixture, subscription, _) = try consumerFixture()
        let second = try fixture.jetStream.pullSubscribe(stream: fixture.name, durable: "worker")
        try fixture.jetStream.publishBatch((0..<20).map { OutboundMessage(subject: "\(fixture.subject).w", payload: [UInt8($0)]) })
        var seen: [[UInt8]] = []
        while seen.count < 20 {
            let a = try subscription.fetch(batch: 4, timeout: .milliseconds(500))
            let b = try second.fetch(batch: 4, timeout: .milliseconds(500))
            if a.isEmpty && b.isEmpty { break }
            for message in a + b { seen.append(message.payload); try message.ack() }
        }
        #expect(seen.count == 20)
        #expect(Set(seen).count == 20)
    }

    @Test func pullSubscribeToMissingConsumerFails() throws {
        let fixture = try StreamFixture()
        #expect(throws: NATSError.self) { try fixture.jetStream.pullSubscribe(stream: fixture.name, durable: "absent") }
    }
}
