import Testing
@testable import VigilNATS

@Suite struct PureTests {
    @Test func headersKeepValueOrderAndCompareByName() {
        var a = NATSHeaders()
        a.add("X-Trace", "1")
        a.add("X-Tenant", "acme")
        a.add("X-Trace", "2")
        var b: NATSHeaders = ["X-Tenant": "acme"]
        b.add("X-Trace", "1")
        b.add("X-Trace", "2")
        #expect(a == b)
        #expect(a.values(for: "X-Trace") == ["1", "2"])
        #expect(a["X-Trace"] == "1")
        #expect(a.names == ["X-Trace", "X-Tenant"])
        a["X-Trace"] = "3"
        #expect(a.values(for: "X-Trace") == ["3"])
        #expect(a != b)
    }

    @Test func configurationSplitsCommaSeparatedURLs() {
        let configuration = NATSConfiguration(url: "nats://a:4222, nats://b:4223 ,")
        #expect(configuration.servers == ["nats://a:4222", "nats://b:4223"])
        #expect(NATSConfiguration(url: "").servers == ["nats://127.0.0.1:4222"])
    }

    @Test func scrubRemovesURLCredentials() {
        let text = NATSError.scrub("connect to nats://alice:s3cret@127.0.0.1:4222,tls://tok@h:1 failed")
        #expect(!text.contains("s3cret"))
        #expect(!text.contains("tok@"))
        #expect(text == "connect to nats://***@127.0.0.1:4222,tls://***@h:1 failed")
    }

    @Test func durationsConvertToCnatsUnits() {
        #expect(Duration.milliseconds(1500).natsMilliseconds == 1500)
        #expect(Duration.microseconds(1).natsMilliseconds == 1)  // never rounds a real wait down to zero
        #expect(Duration.seconds(2).natsNanoseconds == 2_000_000_000)
        #expect(Duration.seconds(-1).natsMilliseconds == 0)
    }
}
