import Foundation
import Testing
@testable import VigilCore

@Suite("RFC 3339 timestamps")
struct RFC3339Tests {
    @Test func parsesUTCAndOffsets() throws {
        let utc = try #require(RFC3339.parse("2025-06-21T10:00:00Z"))
        #expect(utc.timeIntervalSince1970 == 1_750_500_000)
        #expect(RFC3339.parse("2025-06-21T12:00:00+02:00") == utc)
        #expect(RFC3339.parse("2025-06-21T05:30:00-04:30") == utc)
        #expect(RFC3339.parse("2025-06-21t10:00:00z") == utc)
    }

    @Test func keepsFractionalSeconds() throws {
        let date = try #require(RFC3339.parse("2025-06-21T10:00:00.123456Z"))
        #expect(abs(date.timeIntervalSince1970 - 1_750_500_000.123456) < 1e-6)
    }

    @Test(arguments: ["2025-06-21T10:00:00", "2025-06-21 10:00", "2025-13-01T00:00:00Z", "2025-02-30T00:00:00Z",
                      "2025-06-21T24:00:00Z", "2025-06-21T10:00:00.Z", "2025-06-21T10:00:00+0200", "yesterday", ""])
    func rejectsTimestampsWithoutZoneOrOutOfRange(_ text: String) {
        #expect(RFC3339.parse(text) == nil)
    }

    @Test("instants PostgreSQL cannot store are refused: year 0, and offsets that carry past year 1 or 9999")
    func refusesInstantsOutsideYearsOneTo9999() throws {
        #expect(RFC3339.parse("0000-01-01T00:00:00Z") == nil)
        #expect(RFC3339.parse("0000-12-31T23:59:59Z") == nil)
        #expect(RFC3339.parse("0001-01-01T00:00:00+00:01") == nil)
        #expect(RFC3339.parse("9999-12-31T23:59:59-00:01") == nil)
        #expect(try #require(RFC3339.parse("0001-01-01T00:00:00Z")) == RFC3339.earliest)
        #expect(RFC3339.parse("0001-01-01T00:00:00-01:00") != nil)
        #expect(RFC3339.parse("9999-12-31T23:59:59.999Z") != nil)
        #expect(RFC3339.format(RFC3339.earliest) == "0001-01-01T00:00:00.000Z")
        #expect(RFC3339.format(RFC3339.end - 0.001) == "9999-12-31T23:59:59.999Z")
    }

    @Test func leapDayIsAcceptedOnlyInLeapYears() {
        #expect(RFC3339.parse("2024-02-29T00:00:00Z") != nil)
        #expect(RFC3339.parse("2023-02-29T00:00:00Z") == nil)
        #expect(RFC3339.parse("2000-02-29T00:00:00Z") != nil)
        #expect(RFC3339.parse("1900-02-29T00:00:00Z") == nil)
    }

    @Test func formatsUTCWithMilliseconds() {
        #expect(RFC3339.format(Date(timeIntervalSince1970: 1_750_500_000.25)) == "2025-06-21T10:00:00.250Z")
        #expect(RFC3339.format(Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00.000Z")
        #expect(RFC3339.format(Date(timeIntervalSince1970: -1)) == "1969-12-31T23:59:59.000Z")
        #expect(RFC3339.format(Date(timeIntervalSince1970: 951_782_400.125)) == "2000-02-29T00:00:00.125Z")
        #expect(RFC3339.format(Date(timeIntervalSince1970: -30_000_000_000)) == "1019-05-04T18:40:00.000Z")
        #expect(RFC3339.format(Date(timeIntervalSince1970: -62_135_596_800)) == "0001-01-01T00:00:00.000Z")
        #expect(RFC3339.format(Date(timeIntervalSince1970: 253_402_300_799.5)) == "9999-12-31T23:59:59.500Z")
    }

    @Test func roundTripsThroughFormat() throws {
        for seconds in stride(from: -2_000_000_000.0, to: 4_000_000_000, by: 123_456_789.5) {
            let date = Date(timeIntervalSince1970: seconds)
            #expect(RFC3339.parse(RFC3339.format(date)) == date)
        }
    }
}
