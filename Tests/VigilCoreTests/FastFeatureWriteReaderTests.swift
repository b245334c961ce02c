import Foundation
import Testing
@testable import VigilCore

/// The fast reader of feature writes against Foundation's JSONDecoder (the reference), as
/// ``FastInputReaderTests`` does for decisions: the same value (including the timestamps' text and
/// zone, and the value's digest, which tells `-0` from `0`) or the same InputError.
@Suite("Fast feature-write reader matches Foundation")
struct FastFeatureWriteReaderTests {
    static let write = #"{"feature_name":"momentum_5m","entity_id":"AAPL","value":0.5,"event_timestamp":"2025-06-21T10:00:00Z","as_of_timestamp":"2025-06-21T10:00:05.250+02:00","source_timestamps":["2025-06-21T09:59:00Z","2025-06-21T09:59:30"],"arrival_timestamp":"2025-06-21T10:00:10.5z","version":3,"is_revision":false,"service_name":"feature-svc"}"#
    static let envelope = #"{"specversion":"1.0","id":"e1","source":"/features","type":"feature.write","datacontenttype":"application/json","data":"# + write + "}"
    static let keys = ["feature_name", "entity_id", "value", "event_timestamp", "as_of_timestamp", "source_timestamps",
                       "arrival_timestamp", "version", "is_revision", "service_name"]

    private func outcome(_ bytes: Data, fast: Bool) -> Result<FeatureWrite, InputError> {
        Result { () throws(InputError) in try InputDecoder().decode(FeatureWrite.self, from: bytes, fastPath: fast) }
    }

    /// Asserts both paths agree on `bytes`; returns whether the fast reader handled it itself.
    @discardableResult
    private func agree(_ bytes: Data, _ label: String) -> Bool {
        let fast = outcome(bytes, fast: true)
        let reference = outcome(bytes, fast: false)
        let text = String(decoding: bytes.prefix(300), as: UTF8.self)
        #expect(fast == reference, "\(label): \(text)")
        // Equatable treats -0 and 0 as equal; the digest (and so the write id) does not.
        #expect((try? fast.get())?.valueDigest == (try? reference.get())?.valueDigest, "\(label) digest: \(text)")
        return InputDecoder().fastDecode(FeatureWrite.self, from: bytes) != nil
    }

    @discardableResult
    private func agree(_ text: String, _ label: String = "") -> Bool { agree(Data(text.utf8), label) }

    @Test func plainWritesTakeTheFastPathAndDecodeIdentically() throws {
        #expect(agree(Self.write, "bare"))
        #expect(agree(Self.envelope, "envelope"))
        #expect(agree(" \n\t" + Self.write + "\r\n ", "whitespace"))
        let minimal = #"{"feature_name":"f","entity_id":"e","value":null,"event_timestamp":"2025-01-01T00:00:00Z","as_of_timestamp":"2025-01-01T00:00:00Z","version":0,"is_revision":true,"service_name":"s","extra":{"a":[1,true,false,null,"x"]}}"#
        #expect(agree(minimal, "minimal, null value"))
        for value in ["\"NaN\"", "\"é\"", "true", "-12", "[1,\"a\",null,[]]", #"{"a":{"b":[1.5,false]},"c":"d"}"#, "{}", "[]"] {
            #expect(agree(FastInputReaderTests.replacingFirstValue(of: "value", in: Self.write, with: value), "value \(value)"))
        }
        let decoded = try InputDecoder().decode(FeatureWrite.self, from: Data(Self.write.utf8))
        #expect(decoded.asOfTimestamp.raw == "2025-06-21T10:00:05.250+02:00" && decoded.asOfTimestamp.zone == .offset(7200))
        #expect(decoded.sourceTimestamps?.map(\.zone) == [.utc, PITTimestamp.Zone.none])
        #expect(decoded.arrivalTimestamp?.raw == "2025-06-21T10:00:10.5z" && decoded.arrivalTimestamp?.date == RFC3339.parse("2025-06-21T10:00:10.500Z"))
    }

    @Test func valueSwapsAgree() {
        let literals = ["null", "true", "false", "0", "-0", "-0.0", "1", "-1", "1.0", "2.50", "1.5", "1e2", "1E+2", "1e-2", "-2.5e-3",
                        "01", "-01", "1.", ".5", "+1", "1e400", "-1e400", "1e-400", "4.9e-324", "1.7976931348623157e308",
                        "123456789012345678", "1234567890123456789", "9223372036854775807", "9223372036854775808",
                        "-9223372036854775809", "123456789012345678901234567890", "0.1234567890123456789", "9007199254740993",
                        "\"\"", "\"x\"", "\"100\"", "\"true\"", "\"NaN\"", "[]", "{}", "[1]", "[1,]", "{\"a\":1}", "{\"a\":1,}",
                        "{\"a\":1,\"a\":2}", "{\"a\":1,\"b\":{\"a\":2}}", "{\"\\u0061\":1}", "{\"é\":1}", "[1,[2,{\"a\":null}]]",
                        "NaN", "Infinity", "tru", "nul", "fals", "True",
                        "\"2025-06-21T10:00:00Z\"", "\"2025-06-21T10:00:00\"", "\"2025-06-21T10:00:00+00:00\"",
                        "\"2025-06-21T10:00:00-00:00\"", "\"2025-06-21T10:00:00.123456789+05:45\"", "\"2025-06-21 10:00:00\"",
                        "\"2025-06-21T10:00:60Z\"", "\"2025-06-21T10:00\"", "\"2025-06-21T10:00:00ZZ\"", "\"2025-06-21T10:00:00+0200\"",
                        "\"2025-02-30T10:00:00Z\"", "\"2025-06-21T10:00:00.5-05:30\"", "\"2025-06-21t10:00:00z\"",
                        "\"2025-06-21T10:00:00.Z\"", "\"2025-06-21T10:00:00\\u005A\"", "[\"2025-06-21T10:00:00Z\"]",
                        "[\"2025-06-21T10:00:00Z\",null]", "[\"soon\"]", "\"é\"", "\"a\\nb\"", "\"\\u0041\"", "\"\\ud800\"",
                        "[\"a\",]", "\"\u{7F}\"", "\"a\tb\""]
        for key in Self.keys {
            for literal in literals {
                agree(FastInputReaderTests.replacingFirstValue(of: key, in: Self.write, with: literal), "\(key)=\(literal)")
                agree(FastInputReaderTests.replacingFirstValue(of: key, in: Self.envelope, with: literal), "envelope \(key)=\(literal)")
            }
        }
        for (key, literal) in [("specversion", "\"1.0\""), ("specversion", "\"0.3\""), ("specversion", "1"), ("specversion", "null"),
                               ("datacontenttype", "null"), ("datacontenttype", "\"text/plain\""), ("datacontenttype", "\"APPLICATION/JSON\""),
                               ("datacontenttype", "5"), ("data", "null"), ("data", "{}"), ("data", "[]")] {
            agree(FastInputReaderTests.replacingFirstValue(of: key, in: Self.envelope, with: literal), "envelope \(key)=\(literal)")
        }
    }

    @Test func missingNullAndDuplicatedKeysAgree() {
        for key in Self.keys + ["specversion", "datacontenttype", "data"] {
            for text in [Self.write, Self.envelope] {
                agree(text.replacingOccurrences(of: "\"\(key)\":", with: "\"x_\(key)\":"), "missing \(key)")
                agree(text.replacingOccurrences(of: "\"\(key)\":", with: "\"\(key)\":null,\"\(key)\":"), "null then \(key)")
                agree(FastInputReaderTests.replacingFirstValue(of: key, in: text, with: "null"), "null \(key)")
                agree(FastInputReaderTests.replacingFirstValue(of: key, in: text, with: "\"zz\",\"\(key)\":1"), "duplicate \(key)")
            }
        }
        // A repeated unknown key sends the write down the slow path, which refuses it by name.
        let twice = Self.write.replacingOccurrences(of: "\"version\":", with: "\"x_a\":1,\"x_a\":1,\"version\":")
        #expect(!agree(twice, "unknown key twice"))
        #expect(outcome(Data(twice.utf8), fast: true) == .failure(InputError(.invalidValue, field: "x_a", "is given twice in the same object; a key may appear once")))
    }

    @Test func truncationsAndByteMutationsAgree() {
        for text in [Self.write, Self.envelope] {
            let bytes = Array(text.utf8)
            for end in 0..<bytes.count { agree(Data(bytes[..<end]), "truncated at \(end)") }
        }
        var random = SplitMix(seed: 4242)
        let inserts = Array("{}[],:\"\\0123456789-+.eETZz ntfu\u{01}".utf8) + [0xC3, 0xA9, 0xFF]
        for round in 0..<3_000 {
            var bytes = Array((round % 2 == 0 ? Self.write : Self.envelope).utf8)
            for _ in 0...(random.next() % 2) {
                let at = Int(random.next() % UInt64(bytes.count))
                switch random.next() % 3 {
                case 0: bytes.remove(at: at)
                case 1: bytes.insert(inserts[Int(random.next() % UInt64(inserts.count))], at: at)
                default: bytes[at] = inserts[Int(random.next() % UInt64(inserts.count))]
                }
            }
            agree(Data(bytes), "mutation \(round)")
        }
    }

    @Test func nestingAndOddShapesAgree() {
        for depth in [10, 63, 64, 65, 600] {
            let nested = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
            let objects = String(repeating: "{\"a\":", count: depth) + "1" + String(repeating: "}", count: depth)
            agree(FastInputReaderTests.replacingFirstValue(of: "value", in: Self.write, with: nested), "value depth \(depth)")
            agree(FastInputReaderTests.replacingFirstValue(of: "value", in: Self.write, with: objects), "value object depth \(depth)")
            agree(Self.write.replacingOccurrences(of: "\"version\":", with: "\"deep\":\(nested),\"version\":"), "unknown depth \(depth)")
        }
        for text in ["", " ", "null", "[]", "{}", "\"x\"", "1", "{\"value\":1}", Self.write + "x", Self.write + "{}",
                     "\u{FEFF}" + Self.write, Self.write.replacingOccurrences(of: "\"]", with: "\",]"),
                     Self.write.replacingOccurrences(of: "\"feature-svc\"", with: "\"specversion\"")] {
            agree(text, "shape")
        }
    }
}
