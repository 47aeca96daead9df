import Accounts
import Testing

/// The pure parts of the Plex sign-in and the admin bootstrap: usernames made from names, and the
/// PINs kept between creation and verification.
struct PlexSignInPartsTests {
    @Test(
        arguments: [
            (["Admin User"], "admin.user"),
            (["admin@example.com"], "admin"),
            (["  Jean-Luc  Picard "], "jean-luc.picard"),
            (["Amélie Poulain"], "amlie.poulain"),
            (["ab", "x.y@example.com"], "x.y"),
            (["日本", nil], "fallback"),
            ([nil], "fallback"),
            (["--__..", "Bob"], "bob"),
            ([String(repeating: "a", count: 60)], String(repeating: "a", count: 28)),
        ] as [([String?], String)])
    func aUsernameIsMadeFromTheFirstUsableCandidate(candidates: [String?], expected: String) {
        #expect(UsernameSuggestion.base(from: candidates, fallback: "fallback") == expected)
    }

    @Test func aTakenUsernameGetsTheFirstFreeSuffix() {
        let taken: Set = ["ann", "ann-2", "ann-3"]
        #expect(UsernameSuggestion.unique("ann", taken: taken.contains) == "ann-4")
        #expect(UsernameSuggestion.unique("bob", taken: taken.contains) == "bob")
        #expect(UsernameSuggestion.unique("ann", taken: { _ in true }) == nil)
    }

    @Test func aPinIsPendingUntilItExpiresOrIsTaken() throws {
        let pins = PlexPendingPins()
        let handle = try pins.insert(plexID: 42, expiresIn: 60, now: 1000)
        #expect(handle.count == 43)
        #expect(pins.lookup(handle, now: 1059) == .pending(42))
        #expect(pins.lookup(handle, now: 1060) == .expired)
        #expect(pins.lookup(handle, now: 1000) == .unknown)
        let other = try pins.insert(plexID: 43, expiresIn: 60, now: 1000)
        #expect(pins.remove(other) && !pins.remove(other))
        #expect(pins.lookup("nope", now: 1000) == .unknown)
    }

    @Test func atCapacityTheOldestPinIsDropped() throws {
        let pins = PlexPendingPins(capacity: 2)
        let first = try pins.insert(plexID: 1, expiresIn: 900, now: 1)
        let second = try pins.insert(plexID: 2, expiresIn: 900, now: 2)
        let third = try pins.insert(plexID: 3, expiresIn: 900, now: 3)
        #expect(pins.count == 2)
        #expect(pins.lookup(first, now: 4) == .unknown)
        #expect(pins.lookup(second, now: 4) == .pending(2) && pins.lookup(third, now: 4) == .pending(3))
    }
}
