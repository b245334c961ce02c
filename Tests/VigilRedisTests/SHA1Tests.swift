import VigilDigest
import Testing
@testable import VigilRedis

@Suite struct SHA1Tests {
    @Test(arguments: [
        ("", "da39a3ee5e6b4b0d3255bfef95601890afd80709"),
        ("abc", "a9993e364706816aba3e25717850c26c9cd0d89d"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "84983e441c3bd26ebaae4aa1f95129e5e54670f1"),
        ("The quick brown fox jumps over the lazy dog", "2fd4e1c67a2d28fced849ee1bb76e7391b93eb12"),
    ])
    func knownVectors(input: String, expected: String) {
        #expect(SHA1.hex(Array(input.utf8)) == expected)
    }

    /// Lengths around the 56- and 64-byte padding boundaries (checked against `sha1sum`).
    @Test(arguments: [
        (55, "cef734ba81a024479e09eb5a75b6ddae62e6abf1"),
        (56, "901305367c259952f4e7af8323f480d59f81335b"),
        (63, "0ddc4e0cccd9a12850deb5abb0853a4425559fec"),
        (64, "bb2fa3ee7afb9f54c6dfb5d021f14b1ffe40c163"),
        (65, "78c741ddc482e4cdf8c474a0876347a0905b6233"),
        (119, "4300320394f7ee239bcdce7d3b8bcee173a0cd5c"),
        (120, "ceb2821639c4b6dcb10bce0e522ca2e608ce056d"),
        (127, "e463484d274607e1897d4099497cbf2aedcf8206"),
        (128, "150fa3fbdc899bd0b8f95a9fb6027f564d953762"),
        (129, "2699b675922cc84a9b0dfd926eb7f8211c78693d"),
    ])
    func paddingBoundaries(length: Int, expected: String) {
        #expect(SHA1.hex([UInt8](repeating: UInt8(ascii: "x"), count: length)) == expected)
    }

    @Test func oneMillionA() {
        #expect(SHA1.hex([UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)) == "34aa973cd4c4daa4f61eeb2bdbad27316534016f")
    }

    @Test func scriptNamesItsSourceBySHA1() {
        #expect(RedisScript("return 1").sha1 == SHA1.hex(Array("return 1".utf8)))
        #expect(RedisScript("return 1").sha1.count == 40)
    }
}
